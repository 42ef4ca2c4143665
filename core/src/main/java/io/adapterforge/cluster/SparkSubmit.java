package io.adapterforge.cluster;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * The {@code spark-submit} of a job in client mode, as a process: Spark's {@code SparkSubmit} main
 * class on a JVM with {@code SPARK_HOME/jars/*} on its class path and the module flags Spark needs
 * on Java 17 (what {@code bin/spark-submit} does, without needing the shell scripts in the
 * generated SPARK_HOME). Used by {@code adapterforge run} and the cluster integration tests.
 */
public final class SparkSubmit {
  private SparkSubmit() {}

  /**
   * The command line.
   *
   * @param sparkHome a Spark home: its {@code jars/} holds Spark, Hadoop and what the job needs
   * @param master the master URL, e.g. {@code spark://127.0.0.1:7077}
   * @param driverHeap the driver JVM's {@code -Xmx}, e.g. {@code 2g}
   * @param mainClass the job's main class
   * @param conf Spark properties as {@code key=value}
   * @param jar the application jar
   * @param args the main class's arguments
   */
  public static List<String> command(
      Path sparkHome,
      String master,
      String driverHeap,
      String mainClass,
      List<String> conf,
      String jar,
      List<String> args) {
    requireNonNull(sparkHome, "sparkHome is null");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + requireNonNull(driverHeap, "driverHeap is null"));
    command.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
    command.addAll(
        List.of(
            "-cp",
            sparkHome.resolve("jars") + "/*",
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            requireNonNull(master, "master is null"),
            "--deploy-mode",
            "client",
            "--class",
            requireNonNull(mainClass, "mainClass is null")));
    for (String property : conf) {
      command.add("--conf");
      command.add(property);
    }
    command.add(requireNonNull(jar, "jar is null"));
    command.addAll(args);
    return command;
  }

  /** Sets the environment {@code SparkSubmit} expects for {@code sparkHome} on loopback. */
  public static void environment(Map<String, String> environment, Path sparkHome) {
    environment.put("SPARK_HOME", sparkHome.toString());
    environment.put("SPARK_SCALA_VERSION", "2.13");
    environment.putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
  }
}
