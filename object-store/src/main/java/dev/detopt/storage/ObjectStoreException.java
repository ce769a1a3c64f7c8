package dev.detopt.storage;

/** An object-store operation failed (network, credentials, server error). */
public class ObjectStoreException extends RuntimeException {

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
