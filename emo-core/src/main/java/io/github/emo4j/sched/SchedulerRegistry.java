package io.github.emo4j.sched;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The sampling algorithms one pack family can run, found by name: by diffusers' {@code _class_name} in a
 * {@code scheduler_config.json}, and by the short names a caller asks for. Asking for an algorithm by
 * short name switches the pack's configuration to it the way diffusers does with
 * {@code OtherScheduler.from_config(pipe.scheduler.config)}: the noise schedule, prediction type and
 * spacing stay the model's. Immutable; a family's registry is built once.
 */
public final class SchedulerRegistry {
    private final Map<String, Function<Map<String, Object>, Scheduler>> byClass;
    private final Map<String, Consumer<Map<String, Object>>> byName;
    private final List<String> names;
    private final List<String> classNames;

    private SchedulerRegistry(Map<String, Function<Map<String, Object>, Scheduler>> byClass,
                              Map<String, Consumer<Map<String, Object>>> byName) {
        this.names = List.copyOf(byName.keySet());
        this.classNames = List.copyOf(byClass.keySet());
        this.byClass = Map.copyOf(byClass);
        this.byName = Map.copyOf(byName);
    }

    /** A registry to be filled. */
    public static Builder builder() {
        return new Builder();
    }

    /** The scheduler {@code config} names by its {@code _class_name}, configured by the rest of it. */
    public Scheduler fromConfig(Map<String, Object> config) {
        Object cls = config.get("_class_name");
        if (!(cls instanceof String name)) {
            throw new IllegalArgumentException("scheduler config has no _class_name");
        }
        Function<Map<String, Object>, Scheduler> make = byClass.get(name);
        if (make == null) {
            throw new IllegalArgumentException("scheduler '" + name + "' is not supported (supported: "
                    + String.join(", ", classNames) + ")");
        }
        return make.apply(config);
    }

    /** {@code base} switched to the algorithm called {@code name}, one of {@link #names()}. */
    public Map<String, Object> switchTo(Map<String, Object> base, String name) {
        Consumer<Map<String, Object>> to = byName.get(name);
        if (to == null) {
            throw new IllegalArgumentException("unknown scheduler '" + name + "' (known: " + names + ")");
        }
        Map<String, Object> c = new LinkedHashMap<>(base);
        to.accept(c);
        return c;
    }

    /** The short names callers may ask for, in the order they were registered. */
    public List<String> names() {
        return names;
    }

    /** The {@code _class_name}s a configuration may name, in the order they were registered. */
    public List<String> classNames() {
        return classNames;
    }

    /** Collects the algorithms of a registry. */
    public static final class Builder {
        private final Map<String, Function<Map<String, Object>, Scheduler>> byClass = new LinkedHashMap<>();
        private final Map<String, Consumer<Map<String, Object>>> byName = new LinkedHashMap<>();

        private Builder() {
        }

        /** An algorithm a configuration names by {@code className}, built by {@code make}. */
        public Builder algorithm(String className, Function<Map<String, Object>, Scheduler> make) {
            if (byClass.putIfAbsent(className, make) != null) {
                throw new IllegalStateException(className + " is registered twice");
            }
            return this;
        }

        /** A short name that switches a configuration to an algorithm, by setting keys of it. */
        public Builder name(String name, Consumer<Map<String, Object>> switchTo) {
            if (byName.putIfAbsent(name, switchTo) != null) {
                throw new IllegalStateException(name + " is registered twice");
            }
            return this;
        }

        public SchedulerRegistry build() {
            return new SchedulerRegistry(byClass, byName);
        }
    }
}
