/**
 * A user's own model in Sparkformers: {@code my_gpt}, a small GPT written without HuggingFace's
 * names, used through the Auto classes, {@code generate} and a weight mapping.
 *
 * <ul>
 *   <li>{@link dev.sparkformers.examples.MyGptConfig} declares the config.json keys
 *       ({@code vocab_size}, {@code d_model}, {@code n_heads}, {@code n_layers}, {@code max_len},
 *       {@code dropout}) and {@code model_type = "my_gpt"}.</li>
 *   <li>{@link dev.sparkformers.examples.MyGptModel} returns {@code BaseModelOutput};
 *       {@link dev.sparkformers.examples.MyGptForCausalLM} adds {@code lm_head} and implements
 *       {@code CausalLanguageModel}, which is all {@code generate} needs.</li>
 *   <li>Registration by calls: {@code AutoConfig.register("my_gpt", MyGptConfig.class)} and
 *       {@code AutoModel.register(MyGptConfig.class, MyGptModel.class)}, then
 *       {@code AutoModel.fromPretrained(directory)} (see {@code CustomModelTest}).</li>
 *   <li>Registration by {@link java.util.ServiceLoader}: {@link dev.sparkformers.examples.MyGptFamily}
 *       is listed in {@code src/test/resources/META-INF/services/dev.sparkformers.auto.ModelFamily}, so
 *       any JVM with these classes on its classpath, such as a Spark executor, resolves
 *       {@code my_gpt} without a call.</li>
 *   <li>{@link dev.sparkformers.examples.Gpt2ToMyGpt} loads HuggingFace GPT-2 weights into
 *       {@code MyGptForCausalLM} through a {@code WeightMapping}; its logits then equal
 *       {@code GPT2LMHeadModel}'s (see {@code Gpt2WeightMappingTest}).</li>
 * </ul>
 *
 * <p>docs/custom-models.md at the repository root walks through the same steps.
 */
package dev.sparkformers.examples;
