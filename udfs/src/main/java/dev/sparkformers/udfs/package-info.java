/** Spark integration: model handles, the executor model cache, token-budget batching, UDFs and Spark ML stages. */
package dev.sparkformers.udfs;
