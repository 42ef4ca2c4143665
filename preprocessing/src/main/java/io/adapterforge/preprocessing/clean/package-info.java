/**
 * Cleaning of message contents as Spark SQL expressions (so the RAPIDS plugin can run them on GPU
 * clusters), each step switchable in {@code prepare.clean.*}.
 */
package io.adapterforge.preprocessing.clean;
