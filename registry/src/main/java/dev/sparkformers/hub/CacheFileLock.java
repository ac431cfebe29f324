package dev.sparkformers.hub;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a file, held to keep other processes from importing the same cache entry.
 * On file systems without lock support the lock is not held, and callers fall back to atomic
 * renames alone.
 */
final class CacheFileLock implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(CacheFileLock.class);

    private final FileChannel channel;
    private final FileLock lock;

    private CacheFileLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Blocks until the lock on {@code file} is held, or returns an unheld lock if locking is not supported. */
    static CacheFileLock acquire(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                LOG.info("Waiting for another process that holds {}", file);
                lock = channel.lock();
            }
            return new CacheFileLock(channel, lock);
        } catch (ClosedChannelException | FileLockInterruptionException e) {
            // The thread was interrupted while waiting: that is a cancellation, not a lack of lock support.
            channel.close();
            throw e;
        } catch (IOException e) {
            // NFS without a lock daemon fails here; imports stay correct through atomic renames.
            LOG.warn("Could not lock {}; importing without a lock, so another process may repeat the work", file, e);
            return new CacheFileLock(channel, null);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Returns whether the lock is held; false where the file system does not support locks. */
    boolean held() {
        return lock != null;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock != null) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }
}
