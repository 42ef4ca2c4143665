/**
 * Benchmarks behind {@code adapterforge bench …}: each generates its own synthetic input, runs the
 * real job, measures the ceiling it is compared with in the same run, and prints one JSON line.
 */
package io.adapterforge.bench;
