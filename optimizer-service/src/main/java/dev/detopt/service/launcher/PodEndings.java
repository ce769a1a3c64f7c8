package dev.detopt.service.launcher;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Why a worker pod (or its container) ended, from the pod's status alone: preempted by the
 * platform — the {@code DisruptionTarget} condition (scheduler preemption, taint-manager deletion
 * after node loss, API eviction, pod GC, kubelet termination), a kubelet eviction
 * ({@code status.reason=Evicted}), node loss or node shutdown — or crashed (a container that
 * terminated with a non-zero exit code, e.g. OOMKilled), each container restart counted once; or
 * a container whose image cannot be pulled (counted once per pod, exit code -1: it never ran).
 */
final class PodEndings {
    /** Pod-level {@code status.reason} values that mean the node took the pod away. */
    private static final Set<String> NODE_REASONS = Set.of("Evicted", "NodeLost", "Shutdown", "NodeShutdown", "Terminated",
            "UnexpectedAdmissionError", "Preempting");

    private PodEndings() {
    }

    enum Kind { PREEMPTED, CRASHED }

    /**
     * @param key a stable identity of this ending (pod uid and restart), to record each once
     */
    record Ending(Kind kind, String pod, String node, String reason, int exitCode, String key) {
    }

    static List<Ending> of(Pod pod) {
        List<Ending> endings = new ArrayList<>();
        String name = pod.getMetadata() == null ? "?" : pod.getMetadata().getName();
        String uid = pod.getMetadata() == null ? name : pod.getMetadata().getUid();
        String node = pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "" : pod.getSpec().getNodeName();
        if (pod.getStatus() == null) {
            return endings;
        }
        for (PodCondition condition : pod.getStatus().getConditions()) {
            if ("DisruptionTarget".equals(condition.getType()) && "True".equals(condition.getStatus())) {
                endings.add(new Ending(Kind.PREEMPTED, name, node, join(condition.getReason(), condition.getMessage()), 0,
                        uid + "/disruption"));
                return endings;
            }
        }
        String reason = pod.getStatus().getReason();
        if (reason != null && NODE_REASONS.contains(reason)) {
            endings.add(new Ending(Kind.PREEMPTED, name, node, join(reason, pod.getStatus().getMessage()), 0,
                    uid + "/disruption"));
            return endings;
        }
        for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
            ContainerStateTerminated last = container.getLastState() == null ? null : container.getLastState().getTerminated();
            if (last != null && last.getExitCode() != null && last.getExitCode() != 0) {
                // The restart that followed this termination identifies it.
                endings.add(crash(name, node, last, uid + "/" + container.getName() + "/" + container.getRestartCount()));
            }
            io.fabric8.kubernetes.api.model.ContainerStateWaiting waiting = container.getState() == null ? null
                    : container.getState().getWaiting();
            if (waiting != null && waiting.getReason() != null && IMAGE_REASONS.contains(waiting.getReason())) {
                endings.add(new Ending(Kind.CRASHED, name, node, join(waiting.getReason(), waiting.getMessage()), -1,
                        uid + "/" + container.getName() + "/image"));
            }
            ContainerStateTerminated now = container.getState() == null ? null : container.getState().getTerminated();
            if (now != null && now.getExitCode() != null && now.getExitCode() != 0) {
                endings.add(crash(name, node, now, uid + "/" + container.getName() + "/" + (container.getRestartCount() + 1)));
            }
        }
        return endings;
    }

    /** Waiting reasons of a container whose image cannot be pulled or started. */
    private static final Set<String> IMAGE_REASONS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull", "CreateContainerConfigError");

    private static Ending crash(String pod, String node, ContainerStateTerminated terminated, String key) {
        return new Ending(Kind.CRASHED, pod, node, join(terminated.getReason(), terminated.getMessage()),
                terminated.getExitCode(), key);
    }

    private static String join(String reason, String message) {
        String r = reason == null || reason.isBlank() ? "unknown" : reason;
        return message == null || message.isBlank() ? r : r + ": " + message;
    }
}
