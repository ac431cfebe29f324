package dev.sparkformers.pipelines;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Pipelines by task name, after HuggingFace's {@code pipeline(task, model)}: each task has a
 * {@link PipelineFactory} that resolves the model and tokenizer of a checkpoint through the Auto
 * classes.
 *
 * <p>Factories are found with {@link ServiceLoader}, in the same way as model families: the
 * built-in tasks are listed in this library's services file, and a jar that lists its own
 * factory adds its task. Discovery runs on first use and again, with the thread's context class
 * loader, when a task is not found, so that jars added later (Spark's {@code --jars}) are seen.
 */
public final class Pipelines {

    private static final Logger LOG = LoggerFactory.getLogger(Pipelines.class);

    private static final Map<String, PipelineFactory> FACTORIES = new TreeMap<>();
    private static boolean discovered;

    private Pipelines() {}

    /**
     * Builds the pipeline of {@code task} from a checkpoint directory.
     *
     * @throws IllegalArgumentException for an unknown task, listing the known tasks
     * @throws IOException if a file of the checkpoint cannot be read
     */
    public static Pipeline<?, ?, ?> create(String task, Path directory, PipelineOptions options) throws IOException {
        Objects.requireNonNull(task, "task is null");
        Objects.requireNonNull(directory, "directory is null");
        Objects.requireNonNull(options, "options are null");
        return factory(task).create(directory, options);
    }

    /** Builds the pipeline of {@code task} with default options. */
    public static Pipeline<?, ?, ?> create(String task, Path directory) throws IOException {
        return create(task, directory, PipelineOptions.defaults());
    }

    /**
     * Returns the factory of {@code task}.
     *
     * @throws IllegalArgumentException for an unknown task, listing the known tasks
     */
    public static PipelineFactory factory(String task) {
        PipelineFactory found = lookUp(task);
        if (found == null) {
            discover(Thread.currentThread().getContextClassLoader());
            found = lookUp(task);
        }
        if (found == null) {
            throw new IllegalArgumentException("Unknown task '" + task + "'. Known tasks: " + tasks()
                    + ". Register a PipelineFactory for it, or list one in META-INF/services/"
                    + PipelineFactory.class.getName());
        }
        return found;
    }

    /** The known task names, sorted. */
    public static List<String> tasks() {
        discoverOnce();
        synchronized (FACTORIES) {
            return List.copyOf(FACTORIES.keySet());
        }
    }

    /**
     * Registers {@code factory} under its task. Registering the same class again does nothing.
     *
     * @throws IllegalArgumentException if another factory class already has the task
     */
    public static void register(PipelineFactory factory) {
        Objects.requireNonNull(factory, "factory is null");
        String task = Objects.requireNonNull(factory.task(), "factory.task() is null");
        synchronized (FACTORIES) {
            PipelineFactory existing = FACTORIES.get(task);
            if (existing != null && existing.getClass().equals(factory.getClass())) {
                return;
            }
            if (existing != null) {
                throw new IllegalArgumentException("Task '" + task + "' is already registered to "
                        + existing.getClass().getName() + "; pick another task name for "
                        + factory.getClass().getName());
            }
            FACTORIES.put(task, factory);
        }
        LOG.debug("Registered pipeline factory {} for task '{}'", factory.getClass().getName(), task);
    }

    /** Loads every factory {@code loader} can see; tasks already known are kept. */
    public static void discover(ClassLoader loader) {
        ServiceLoader<PipelineFactory> factories = ServiceLoader.load(PipelineFactory.class,
                loader != null ? loader : Pipelines.class.getClassLoader());
        try {
            for (PipelineFactory factory : factories) {
                register(factory);
            }
        } catch (ServiceConfigurationError e) {
            LOG.error("A pipeline factory listed in META-INF/services/{} could not be loaded: {}",
                    PipelineFactory.class.getName(), e.getMessage());
            throw new IllegalStateException("Failed to load a pipeline factory: " + e.getMessage(), e);
        }
    }

    private static PipelineFactory lookUp(String task) {
        discoverOnce();
        synchronized (FACTORIES) {
            return FACTORIES.get(task);
        }
    }

    private static void discoverOnce() {
        synchronized (FACTORIES) {
            if (discovered) {
                return;
            }
            discovered = true;
        }
        discover(Pipelines.class.getClassLoader());
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != Pipelines.class.getClassLoader()) {
            discover(context);
        }
    }
}
