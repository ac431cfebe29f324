package dev.sparkformers.generation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Processors applied one after the other, in list order, HuggingFace's {@code LogitsProcessorList}. */
public final class LogitsProcessorList implements LogitsProcessor {

    private final List<LogitsProcessor> processors = new ArrayList<>();

    /** Appends {@code processor} and returns this list. */
    public LogitsProcessorList add(LogitsProcessor processor) {
        processors.add(processor);
        return this;
    }

    /** Returns the processors in application order. */
    public List<LogitsProcessor> processors() {
        return Collections.unmodifiableList(processors);
    }

    public boolean isEmpty() {
        return processors.isEmpty();
    }

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        for (LogitsProcessor processor : processors) {
            processor.process(inputIds, scores);
        }
    }

    @Override
    public String toString() {
        return processors.toString();
    }
}
