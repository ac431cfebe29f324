package dev.sparkformers.udfs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Reads an iterator in chunks, transforms each chunk as a whole, and returns the results in
 * order, one output per input.
 *
 * <p>Spark hands a partition to a task as an iterator; reading it a chunk at a time bounds memory
 * while still giving the transformation many rows to sort and batch. The one-to-one contract is
 * checked for every chunk, because a job must never drop or duplicate a row.
 *
 * @param <I> input element type
 * @param <O> output element type
 */
public final class ChunkedIterator<I, O> implements Iterator<O> {

    private final Iterator<I> input;
    private final int chunkSize;
    private final Function<List<I>, List<O>> transform;
    private Iterator<O> current = Collections.emptyIterator();

    /**
     * @param chunkSize inputs per chunk, at least 1
     * @param transform maps a chunk to exactly as many outputs, in the same order
     */
    public ChunkedIterator(Iterator<I> input, int chunkSize, Function<List<I>, List<O>> transform) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1, but is " + chunkSize);
        }
        this.input = input;
        this.chunkSize = chunkSize;
        this.transform = transform;
    }

    @Override
    public boolean hasNext() {
        if (current.hasNext()) {
            return true;
        }
        if (!input.hasNext()) {
            return false;
        }
        List<I> chunk = new ArrayList<>(chunkSize);
        while (chunk.size() < chunkSize && input.hasNext()) {
            chunk.add(input.next());
        }
        List<O> outputs = transform.apply(chunk);
        if (outputs.size() != chunk.size()) {
            throw new IllegalStateException("A chunk of " + chunk.size() + " rows produced " + outputs.size()
                    + " outputs; every input row must produce exactly one output row");
        }
        current = outputs.iterator();
        return current.hasNext();
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }
}
