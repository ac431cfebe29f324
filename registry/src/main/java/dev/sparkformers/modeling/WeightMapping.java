package dev.sparkformers.modeling;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.safetensors.Checkpoints;
import dev.sparkformers.safetensors.TensorSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A declared translation from a checkpoint's tensor names and layouts to a model's, for loading
 * weights into a model whose names differ, such as HuggingFace GPT-2 weights into a GPT written
 * from scratch.
 *
 * <p>A rule maps a checkpoint name to one or more model names. Names may hold placeholders such
 * as {@code {layer}}, which match a non-negative integer in the checkpoint name and are replaced
 * by it in the model names: {@code transformer.h.{layer}.ln_1.weight -> blocks.{layer}.norm1.weight}.
 * A rule may split the tensor into equal parts along a dimension, one per model name (a fused
 * query/key/value projection), and then transpose each part (a {@code [in, out]} Conv1D weight
 * into {@code [out, in]} Linear layout). A tie fills a model weight that no rule fills with the
 * array of another model weight, as when a checkpoint leaves out an LM head tied to the
 * embeddings. The first rule whose name matches a checkpoint tensor is used.
 *
 * <pre>{@code
 * WeightMapping mapping = WeightMapping.builder()
 *         .map("transformer.wte.weight").to("token_embed.weight")
 *         .map("transformer.h.{layer}.attn.c_attn.weight").split(1).transpose()
 *                 .to("blocks.{layer}.attn.q.weight", "blocks.{layer}.attn.k.weight", "blocks.{layer}.attn.v.weight")
 *         .tie("lm_head.weight", "token_embed.weight")
 *         .build();
 * MyGpt model = mapping.load(checkpointDirectory, config, MyGpt::new, LoadOptions.defaults());
 * }</pre>
 */
public final class WeightMapping {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final List<Rule> rules;
    private final Map<String, String> ties;
    private final List<Rule> ignored;

    private WeightMapping(Builder builder) {
        this.rules = List.copyOf(builder.rules);
        this.ties = Collections.unmodifiableMap(new LinkedHashMap<>(builder.ties));
        this.ignored = List.copyOf(builder.ignored);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns the rules, in the order they are tried. */
    public List<Rule> rules() {
        return rules;
    }

    /** Returns the ties: model weights filled, when no rule fills them, with the array of another model weight. */
    public Map<String, String> ties() {
        return ties;
    }

    /**
     * Returns the rule for a checkpoint tensor and the model names it fills, or empty when no rule
     * matches.
     */
    public Optional<Match> match(String checkpointName) {
        for (Rule rule : rules) {
            Optional<List<String>> targets = rule.targetsOf(checkpointName);
            if (targets.isPresent()) {
                return Optional.of(new Match(rule, targets.get()));
            }
        }
        return Optional.empty();
    }

    /** Returns whether a checkpoint tensor is declared as expected to be unused. */
    public boolean isIgnored(String checkpointName) {
        return ignored.stream().anyMatch(rule -> rule.targetsOf(checkpointName).isPresent());
    }

    /**
     * Builds a model from {@code config} and loads the checkpoint in {@code directory} into it
     * through this mapping; {@link PreTrainedModel#loadReport()} lists what no rule covered.
     */
    public <C extends PretrainedConfig, M extends PreTrainedModel<?>> M load(Path directory, C config,
            Function<? super C, M> constructor, LoadOptions options) throws IOException {
        ModelSizeCheck.checkConfig(config, options);
        M model = constructor.apply(config);
        try (TensorSource source = Checkpoints.open(directory)) {
            loadInto(model, source, directory.toString(), options);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Loads {@code source} into a model that has no weights yet through this mapping, and records
     * its {@link PreTrainedModel#loadReport()}: the missing keys are model keys that no rule or tie
     * filled, the unexpected keys checkpoint keys that no rule used and no ignore declared.
     *
     * @param sourceName the checkpoint's location, for messages and the report
     * @throws IOException if a mapped tensor's shape disagrees and sizes may not be ignored, if a
     *     rule cannot split or transpose its tensor, if two tensors map to the same weight, or if
     *     {@link LoadOptions#strict()} is set and a weight stays unfilled
     */
    public void loadInto(PreTrainedModel<?> model, TensorSource source, String sourceName, LoadOptions options)
            throws IOException {
        model.loadWith(sourceName, options, () -> MappedCheckpointLoader.load(model, source, sourceName, this,
                options));
    }

    @Override
    public String toString() {
        return "WeightMapping{rules=" + rules + ", ties=" + ties + ", ignored=" + ignored + "}";
    }

    /**
     * The model names one checkpoint tensor fills.
     *
     * @param rule the rule that matched
     * @param targets model names, one per part when the rule splits
     */
    public record Match(Rule rule, List<String> targets) {}

    /**
     * One rule: a checkpoint name pattern, the model name patterns it fills, and the layout change.
     *
     * @param source checkpoint name, with placeholders
     * @param targets model names, with the source's placeholders; several only when splitting
     * @param splitDimension dimension split into {@code targets.size()} equal parts, or -1 for none
     * @param transpose whether each (split) tensor is transposed; only 2-D tensors can be
     */
    public record Rule(String source, List<String> targets, int splitDimension, boolean transpose) {

        public Rule {
            Objects.requireNonNull(source, "source is null");
            targets = List.copyOf(targets);
            Set<String> sourcePlaceholders = placeholders(source);
            for (String target : targets) {
                if (!sourcePlaceholders.containsAll(placeholders(target))) {
                    throw new IllegalArgumentException("Target '" + target + "' uses placeholders that source '"
                            + source + "' does not define; use only " + sourcePlaceholders);
                }
            }
            if (splitDimension < 0 && targets.size() > 1) {
                throw new IllegalArgumentException("Rule for '" + source + "' has " + targets.size()
                        + " targets but no split; call split(dimension) or map to one name");
            }
        }

        /** Returns the model names for {@code checkpointName}, or empty when it does not match. */
        Optional<List<String>> targetsOf(String checkpointName) {
            List<String> names = new ArrayList<>();
            Matcher matcher = PLACEHOLDER.matcher(source);
            StringBuilder regex = new StringBuilder();
            int end = 0;
            while (matcher.find()) {
                regex.append(Pattern.quote(source.substring(end, matcher.start())));
                regex.append("(?<").append(matcher.group(1)).append(">\\d+)");
                names.add(matcher.group(1));
                end = matcher.end();
            }
            regex.append(Pattern.quote(source.substring(end)));
            Matcher match = Pattern.compile(regex.toString()).matcher(checkpointName);
            if (!match.matches()) {
                return Optional.empty();
            }
            List<String> resolved = new ArrayList<>(targets.size());
            for (String target : targets) {
                String name = target;
                for (String placeholder : names) {
                    name = name.replace("{" + placeholder + "}", match.group(placeholder));
                }
                resolved.add(name);
            }
            return Optional.of(resolved);
        }

        private static Set<String> placeholders(String pattern) {
            Set<String> names = new LinkedHashSet<>();
            Matcher matcher = PLACEHOLDER.matcher(pattern);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return names;
        }
    }

    /** Builder of {@link WeightMapping}. */
    public static final class Builder {

        private final List<Rule> rules = new ArrayList<>();
        private final Map<String, String> ties = new LinkedHashMap<>();
        private final List<Rule> ignored = new ArrayList<>();

        private Builder() {}

        /** Starts a rule for checkpoint tensors named {@code source}; finish it with {@link RuleBuilder#to}. */
        public RuleBuilder map(String source) {
            return new RuleBuilder(this, source);
        }

        /**
         * Fills the model weight {@code target}, when no rule fills it, with the array loaded for
         * the model weight {@code sharedWith}.
         */
        public Builder tie(String target, String sharedWith) {
            ties.put(Objects.requireNonNull(target, "target is null"),
                    Objects.requireNonNull(sharedWith, "sharedWith is null"));
            return this;
        }

        /** Declares checkpoint tensors that are expected to be unused, so that they are not reported. */
        public Builder ignoreSource(String source) {
            ignored.add(new Rule(source, List.of(), -1, false));
            return this;
        }

        public WeightMapping build() {
            return new WeightMapping(this);
        }
    }

    /** Builder of one {@link Rule}. */
    public static final class RuleBuilder {

        private final Builder parent;
        private final String source;
        private int splitDimension = -1;
        private boolean transpose;

        private RuleBuilder(Builder parent, String source) {
            this.parent = parent;
            this.source = Objects.requireNonNull(source, "source is null");
        }

        /** Splits the tensor along {@code dimension} into as many equal parts as there are targets. */
        public RuleBuilder split(int dimension) {
            if (dimension < 0) {
                throw new IllegalArgumentException("Split dimension must not be negative, but is " + dimension);
            }
            this.splitDimension = dimension;
            return this;
        }

        /** Transposes the (split) 2-D tensor, turning {@code [in, out]} into {@code [out, in]}. */
        public RuleBuilder transpose() {
            this.transpose = true;
            return this;
        }

        /** Finishes the rule with the model names it fills, in split order. */
        public Builder to(String... targets) {
            if (targets.length == 0) {
                throw new IllegalArgumentException("Rule for '" + source + "' needs at least one target");
            }
            parent.rules.add(new Rule(source, List.of(targets), splitDimension, transpose));
            return parent;
        }
    }
}
