package dev.tessera.shapes;

import java.util.List;
import java.util.Objects;

/**
 * COCO-MIG's rules on the shapes world, with the detector's components in place of GroundingDINO and SAM: an
 * instance succeeds when some component of its colour and its shape has IoU >= 0.5 with its box; its IoU (for
 * mIoU) is the best IoU with any component of its colour, 0 when there is none; an image succeeds when all its
 * instances do. Components may serve several instances (as in COCO-MIG, where each instance is checked alone).
 */
public final class MigScore {

    private MigScore() {}

    /** One instance's outcome. */
    public record InstanceResult(MigTarget target, boolean success, double iou) {}

    /** One image's outcome; its level is its instance count. */
    public record ImageResult(List<InstanceResult> instances) {
        public ImageResult {
            instances = List.copyOf(instances);
        }

        public boolean success() {
            return instances.stream().allMatch(InstanceResult::success);
        }

        public int level() {
            return instances.size();
        }

        public long successes() {
            return instances.stream().filter(InstanceResult::success).count();
        }
    }

    /** Scores the detections of one image against its targets. */
    public static ImageResult score(List<MigTarget> targets, List<Detection> detections) {
        Objects.requireNonNull(detections, "detections");
        return new ImageResult(targets.stream().map(t -> score(t, detections)).toList());
    }

    public static InstanceResult score(MigTarget target, List<Detection> detections) {
        boolean success = false;
        double best = 0;
        for (Detection d : detections) {
            if (d.colour() != target.colour()) continue;
            best = Math.max(best, d.box().iou(target.box()));
            if (d.shape() == target.shape() && d.box().iouAtLeastHalf(target.box())) success = true;
        }
        return new InstanceResult(target, success, best);
    }
}
