/**
 * Models that Sparkformers provides locally: the default embedding model, imported once per host
 * into a cache directory that several JVMs can share.
 */
package dev.sparkformers.hub;
