package dev.sparkformers.jobs;

/** Turns a failed Spark action into a message that names the root cause instead of Spark's wrapper. */
final class JobFailures {

    private JobFailures() {}

    /** The deepest cause's class and message, which is what went wrong on the executor. */
    static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        return root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    /** Wraps a failed write of {@code output} with its root cause. */
    static JobFailedException writeFailed(String output, Throwable failure) {
        return new JobFailedException("The job failed before " + output + " was complete: " + rootCause(failure)
                + ". The output location holds no committed result from this run; fix the cause and run again.");
    }
}
