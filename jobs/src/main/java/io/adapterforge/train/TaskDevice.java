package io.adapterforge.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.adapterforge.trainer.train.TorchThreads;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Spark task computes with: the GPU Spark's resource scheduling gave it ({@code
 * spark.task.resource.gpu.amount}), or the CPU when it was given none or libtorch sees no such CUDA
 * device (then it says so); and libtorch's intra-op threads for the task's thread. Used by the
 * train and evaluate tasks.
 */
public final class TaskDevice {
  private static final Logger LOG = LoggerFactory.getLogger(TaskDevice.class);
  private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

  private TaskDevice() {}

  /**
   * Sets libtorch's intra-op threads for the calling task thread and returns them: {@code
   * preferred} when positive; else the JVM's {@code ai.djl.pytorch.num_threads} (the train job sets
   * it in local mode to the cores over the slots); else the task's cpus. The first task of a JVM
   * also sets that property, before libtorch starts, when it is unset.
   */
  public static int useThreads(int preferred, TaskContext task) {
    int threads = preferred > 0 ? preferred : configuredThreads(task == null ? 1 : task.cpus());
    synchronized (TaskDevice.class) {
      if (System.getProperty(THREADS_PROPERTY) == null) {
        System.setProperty(THREADS_PROPERTY, Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
      }
    }
    // Also when the engine started earlier (the driver in local mode): this thread computes.
    TorchThreads.use(threads);
    return threads;
  }

  private static int configuredThreads(int cpus) {
    String property = System.getProperty(THREADS_PROPERTY);
    if (property != null) {
      try {
        int threads = Integer.parseInt(property.trim());
        if (threads > 0) {
          return threads;
        }
      } catch (NumberFormatException e) {
        LOG.warn("Ignoring {}={}: not a number", THREADS_PROPERTY, property);
      }
    }
    return cpus;
  }

  /** The address of the task's first {@code gpu} resource, if Spark assigned one. */
  public static Optional<String> gpuAddress(TaskContext task) {
    if (task == null) {
      return Optional.empty();
    }
    Map<String, ResourceInformation> resources = task.resourcesJMap();
    ResourceInformation gpu = resources.get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      return Optional.empty();
    }
    return Optional.of(gpu.addresses()[0]);
  }

  /**
   * The CUDA device for {@code gpu}, or the CPU when there is none or libtorch cannot see it.
   *
   * @param who names the task in the fallback warning, e.g. {@code Slot 1}
   * @param warn receives the fallback warning
   */
  public static Device device(Optional<String> gpu, String who, Consumer<String> warn) {
    if (gpu.isEmpty()) {
      return Device.cpu();
    }
    int visible = Engine.getInstance().getGpuCount();
    int index;
    try {
      index = Integer.parseInt(gpu.get());
    } catch (NumberFormatException e) {
      index = -1;
    }
    if (visible > 0 && index >= 0 && index < visible) {
      return Device.gpu(index);
    }
    warn.accept(
        String.format(
            "%s was given GPU %s but libtorch sees %d CUDA device(s): running on the CPU",
            who, gpu.get(), visible));
    return Device.cpu();
  }
}
