/**
 * Layout-fidelity benchmarks through the product's nodes: {@link dev.tessera.evaluation.ShapesBenchmark} draws the
 * shapes world's layouts at COCO-MIG's levels, renders each with each {@link dev.tessera.evaluation.EvalMethod} as
 * a ComfyUI API workflow ({@link dev.tessera.evaluation.ShapesWorkflows}) run by the
 * {@link dev.tessera.graph.engine.WorkflowEngine}, and scores the images with the shapes bundle's detector and
 * COCO-MIG's rules. Plain Java; the {@code tessera eval} command wraps it. See docs/evaluation.md.
 */
@Export
@Version("1.0.0")
package dev.tessera.evaluation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
