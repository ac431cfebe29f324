package dev.sparkformers.hub;

/**
 * The facts a model card states that the checkpoint's files do not, after {@code ModelCardData} of
 * {@code huggingface_hub}.
 *
 * @param license SPDX-style licence id for the {@code license} field ({@code apache-2.0}, {@code mit},
 *     {@code other}), or null to leave the field out
 * @param baseModel the checkpoint this one was fine-tuned or converted from, as a Hub id or a URI,
 *     or null to leave {@code base_model} out
 * @param location the URI the checkpoint is published to, used in the loading examples, or null
 *     to use the checkpoint directory's path
 */
public record ModelCardData(String license, String baseModel, String location) {

    /** No licence, no base model, and loading examples that use the directory's path. */
    public static final ModelCardData NONE = new ModelCardData(null, null, null);

    public ModelCardData {
        license = blankToNull(license);
        baseModel = blankToNull(baseModel);
        location = blankToNull(location);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
