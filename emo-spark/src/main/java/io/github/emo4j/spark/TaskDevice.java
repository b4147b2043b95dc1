package io.github.emo4j.spark;

import io.github.emo4j.ExecutionProvider;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device Spark's resource scheduling gave this task: the first GPU address in
 * {@code TaskContext.resources()} (set with {@code spark.task.resource.gpu.amount}), or the CPU.
 */
final class TaskDevice {
    private TaskDevice() {
    }

    static ExecutionProvider current(ExecutionProvider.Kind gpuKind) {
        TaskContext tc = TaskContext.get();
        if (tc == null) {
            return ExecutionProvider.CPU;
        }
        scala.Option<ResourceInformation> gpu = tc.resources().get("gpu");
        if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
            return ExecutionProvider.CPU;
        }
        return forAddress(gpu.get().addresses()[0], gpuKind);
    }

    /** The provider for a GPU address as a discovery script reports it: a device ordinal. */
    static ExecutionProvider forAddress(String address, ExecutionProvider.Kind gpuKind) {
        int id;
        try {
            id = Integer.parseInt(address.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Spark assigned GPU address '" + address
                    + "', not a device number; the discovery script must print ordinals such as \"0\"", e);
        }
        return new ExecutionProvider(gpuKind, id);
    }

    /** Threads for ONNX Runtime: as given, else the task's CPUs. */
    static int threads(int given) {
        if (given > 0) {
            return given;
        }
        TaskContext tc = TaskContext.get();
        return tc == null ? Math.max(1, Runtime.getRuntime().availableProcessors()) : Math.max(1, tc.cpus());
    }
}
