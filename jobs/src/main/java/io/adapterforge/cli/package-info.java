/**
 * The {@code adapterforge} command line (picocli): one class per command, each parsing its options
 * into the typed config and calling library code. Exit codes: 0 ok, 2 bad usage or config, 1 a
 * failure at run time.
 */
package io.adapterforge.cli;
