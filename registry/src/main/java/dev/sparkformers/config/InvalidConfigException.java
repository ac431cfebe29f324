package dev.sparkformers.config;

import java.io.IOException;

/** A config file that cannot be parsed, has a value of the wrong type, or describes an impossible model. */
public class InvalidConfigException extends IOException {

    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
