package dev.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

class ChunkedIteratorTest {

    @Test
    void outputsFollowInputOrderAcrossChunks() {
        List<Integer> input = IntStream.range(0, 25).boxed().toList();
        List<Integer> chunkSizes = new ArrayList<>();
        ChunkedIterator<Integer, Integer> iterator = new ChunkedIterator<>(input.iterator(), 10, chunk -> {
            chunkSizes.add(chunk.size());
            return chunk.stream().map(i -> i * 2).toList();
        });
        List<Integer> output = new ArrayList<>();
        iterator.forEachRemaining(output::add);
        assertEquals(IntStream.range(0, 25).map(i -> i * 2).boxed().toList(), output);
        assertEquals(List.of(10, 10, 5), chunkSizes);
    }

    @Test
    void droppedRowIsAnError() {
        ChunkedIterator<Integer, Integer> iterator = new ChunkedIterator<>(List.of(1, 2, 3).iterator(), 10,
                chunk -> chunk.subList(0, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, iterator::hasNext);
        assertEquals("A chunk of 3 rows produced 2 outputs; every input row must produce exactly one output row",
                e.getMessage());
    }
}
