package dev.sparkformers.generation;

/**
 * Divides the scores by the temperature before sampling, HuggingFace's
 * {@code TemperatureLogitsWarper}: below 1 sharpens the distribution, above 1 flattens it.
 */
public final class TemperatureLogitsWarper implements LogitsProcessor {

    private final float temperature;

    /** @throws IllegalArgumentException unless the temperature is positive */
    public TemperatureLogitsWarper(double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("`temperature` (=" + temperature + ") has to be a strictly positive "
                    + "float, otherwise your next token scores will be invalid.");
        }
        this.temperature = (float) temperature;
    }

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        for (float[] row : scores) {
            for (int token = 0; token < row.length; token++) {
                row[token] = row[token] / temperature;
            }
        }
    }

    @Override
    public String toString() {
        return "TemperatureLogitsWarper(temperature=" + temperature + ")";
    }
}
