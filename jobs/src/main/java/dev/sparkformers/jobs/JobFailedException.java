package dev.sparkformers.jobs;

/** A job that ran but whose result breaks one of its guarantees; its message says which. */
public class JobFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JobFailedException(String message) {
        super(message);
    }
}
