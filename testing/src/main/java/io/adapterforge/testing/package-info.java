/**
 * JUnit 5 fixtures over real parts, shared by every module's tests: {@link
 * io.adapterforge.testing.LocalSparkExtension} (one {@code local[2]} session per test class),
 * {@link io.adapterforge.testing.LocalClusterExtension} (a real standalone cluster on loopback) and
 * {@link io.adapterforge.testing.RealTokenizers} (the pinned npm tokenizers, fetched once per
 * machine).
 */
package io.adapterforge.testing;
