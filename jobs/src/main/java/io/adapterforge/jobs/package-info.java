/**
 * Thin Spark entry points ({@code *Job}): each {@code main} parses its arguments, builds the
 * SparkSession, calls one library function and writes its result. They run under spark-submit from
 * the shaded jar, or in-process from the CLI.
 */
package io.adapterforge.jobs;
