package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * {@code cluster.*}: the local Spark standalone cluster that {@code ./adapterforge cluster start}
 * runs on 127.0.0.1.
 *
 * @param dir folder for pids, logs and the generated SPARK_HOME ({@code cluster.dir}, default
 *     {@code ./work/cluster})
 * @param masterPort the master's RPC port ({@code cluster.master-port}, default 7077)
 * @param masterWebUiPort the master's web UI port ({@code cluster.master-web-ui-port}, default
 *     8080)
 * @param workers number of worker JVMs ({@code cluster.workers}, default 2)
 * @param coresPerWorker cores each worker offers ({@code cluster.cores-per-worker}, default 1)
 * @param memoryPerWorker memory each worker offers, e.g. {@code 2g} ({@code
 *     cluster.memory-per-worker})
 * @param gpusPerWorker GPUs each worker advertises through a discovery script ({@code
 *     cluster.gpus-per-worker}, default 0)
 */
public record ClusterConfig(
    Path dir,
    int masterPort,
    int masterWebUiPort,
    int workers,
    int coresPerWorker,
    String memoryPerWorker,
    int gpusPerWorker) {
  public ClusterConfig {
    requireNonNull(dir, "dir is null");
    requireNonNull(memoryPerWorker, "memoryPerWorker is null");
    check(isPort(masterPort), "cluster.master-port", masterPort, "must be a port in 1..65535");
    check(
        isPort(masterWebUiPort),
        "cluster.master-web-ui-port",
        masterWebUiPort,
        "must be a port in 1..65535");
    check(workers >= 1, "cluster.workers", workers, "must be at least 1");
    check(coresPerWorker >= 1, "cluster.cores-per-worker", coresPerWorker, "must be at least 1");
    check(
        memoryPerWorker.matches("[1-9][0-9]*[mMgG]"),
        "cluster.memory-per-worker",
        memoryPerWorker,
        "must be a size such as 512m or 2g");
    check(gpusPerWorker >= 0, "cluster.gpus-per-worker", gpusPerWorker, "must not be negative");
  }

  private static boolean isPort(int port) {
    return port >= 1 && port <= 65535;
  }

  static ClusterConfig from(ConfigReader reader) {
    return new ClusterConfig(
        ConfigLoader.path(reader, "cluster.dir"),
        reader.integer("cluster.master-port"),
        reader.integer("cluster.master-web-ui-port"),
        reader.integer("cluster.workers"),
        reader.integer("cluster.cores-per-worker"),
        reader.string("cluster.memory-per-worker"),
        reader.integer("cluster.gpus-per-worker"));
  }
}
