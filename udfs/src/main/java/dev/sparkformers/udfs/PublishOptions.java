package dev.sparkformers.udfs;

import dev.sparkformers.hub.ModelCardData;

/**
 * Settings of {@link CheckpointPublisher#publish}.
 *
 * @param overwrite whether an existing target directory is replaced; without it an existing target
 *     is an error
 * @param license the model card's {@code license}, or null to leave it out
 * @param baseModel the model card's {@code base_model}, or null to leave it out
 */
public record PublishOptions(boolean overwrite, String license, String baseModel) {

    /** No overwrite, no licence and no base model. */
    public static final PublishOptions DEFAULTS = new PublishOptions(false, null, null);

    /** These options with {@code overwrite} set. */
    public PublishOptions withOverwrite(boolean overwrite) {
        return new PublishOptions(overwrite, license, baseModel);
    }

    /** The model card fields for a checkpoint published to {@code location}. */
    ModelCardData cardData(String location) {
        return new ModelCardData(license, baseModel, location);
    }
}
