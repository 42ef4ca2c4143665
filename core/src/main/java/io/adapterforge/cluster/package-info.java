/**
 * A real Spark standalone cluster on 127.0.0.1, started from the project's own classpath: one
 * Master and N Worker JVMs (optionally advertising fake GPUs through a discovery script), their
 * pids and logs under one folder, and a stop that ends exactly the processes it started.
 */
package io.adapterforge.cluster;
