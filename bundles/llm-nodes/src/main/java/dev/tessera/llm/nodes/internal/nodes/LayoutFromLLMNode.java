package dev.tessera.llm.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.layout.Coordinates;
import dev.tessera.layout.InvalidLayoutException;
import dev.tessera.layout.Layout;
import dev.tessera.layout.PaperFormat;
import dev.tessera.llm.nodes.internal.LlmHandle;
import dev.tessera.models.llm.ChatTokenizer;
import dev.tessera.models.llm.Generation;
import dev.tessera.models.llm.GenerationOptions;
import dev.tessera.models.llm.SamplingOptions;
import dev.tessera.models.llm.TextGenerator;
import dev.tessera.models.llm.grammar.GrammarConstraint;
import dev.tessera.models.llm.loading.LlmCheckpoint;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.tokenizers.PromptLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * LayoutFromLLM: a prompt to a LAYOUT with a local language model, as the MIGLoRA paper's first stage. The template
 * (instructions and examples with a {@code {prompt}} slot) becomes the user turn of the model's chat format; the
 * answer is decoded under the layout grammar, so it always parses, whatever the model: at most max_instances
 * instances, coordinates in [0, 1] with x1 < x2 and y1 < y2. The raw text is the second output and is shown in the
 * node's UI. Progress counts generated tokens.
 */
@Component(service = NodeType.class)
public final class LayoutFromLLMNode implements NodeType {

    static final String LLM = "llm";
    static final String PROMPT = "prompt";
    static final String TEMPLATE = "template";
    static final String MAX_INSTANCES = "max_instances";
    static final String SEED = "seed";
    static final String TEMPERATURE = "temperature";
    static final String MAX_NEW_TOKENS = "max_new_tokens";
    static final String WIDTH = "width";
    static final String HEIGHT = "height";
    static final String SLOT = "{prompt}";

    /** Instructions and two examples that make small instruct models (Qwen2.5, Llama 3.2) answer in the format. */
    public static final String DEFAULT_TEMPLATE = """
            Turn the image description into a layout: one short phrase per object and its bounding box \
            (x1, y1, x2, y2) as fractions of the image width and height, (0, 0) the top left corner and (1, 1) the \
            bottom right. Answer with the layout only, in this format:
            <layout><scap>phrase</scap><bbox>(x1, y1, x2, y2)</bbox>...</layout>

            Description: a cat sitting to the left of a dog on a lawn
            Layout: <layout><scap>a cat</scap><bbox>(0.08, 0.35, 0.45, 0.9)</bbox><scap>a dog</scap>\
            <bbox>(0.52, 0.3, 0.95, 0.92)</bbox></layout>

            Description: a red apple on a table with a lamp above it
            Layout: <layout><scap>a red apple</scap><bbox>(0.4, 0.55, 0.6, 0.75)</bbox><scap>a lamp</scap>\
            <bbox>(0.38, 0.05, 0.62, 0.4)</bbox></layout>

            Description: {prompt}
            Layout:""";

    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor;
    /** The byte-sorted vocabulary of each tokenizer in use (sorting 150k tokens per run would be wasted). */
    private final Map<ChatTokenizer, GrammarConstraint.Vocabulary> vocabularies = new WeakHashMap<>();

    @Activate
    public LayoutFromLLMNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
        this.descriptor = NodeDescriptor.builder("LayoutFromLLM")
                .displayName("Layout from LLM")
                .category("layout")
                .description("Asks a local language model for the layout of a prompt: phrases and boxes in the MIGLoRA"
                        + " paper's format, decoding constrained so the answer always parses.")
                .input(InputSpec.link(LLM, LlmNodes.LLM).withTooltip("From Load LLM."))
                .input(InputSpec.string(PROMPT, "", true).withTooltip("The image description to lay out."))
                .input(InputSpec.string(TEMPLATE, DEFAULT_TEMPLATE, true).withTooltip(
                        "The instructions and examples sent as the user message; {prompt} is replaced by the prompt."))
                .input(InputSpec.integer(MAX_INSTANCES, 4, 1, 32, 1).withTooltip("The most objects in the layout."))
                .input(InputSpec.integer(SEED, 0, 0, Long.MAX_VALUE, 1).withTooltip(
                        "The seed of the token draws (temperature above 0)."))
                .input(InputSpec.decimal(TEMPERATURE, 0.0, 0.0, 2.0, 0.01, 0.01).withTooltip(
                        "0: always the most likely token (greedy); higher: more varied layouts."))
                .input(InputSpec.integer(MAX_NEW_TOKENS, 512, 16, 4096, 1).withTooltip(
                        "The most tokens generated; the layout must be complete by then."))
                .input(InputSpec.integer(WIDTH, 512, 16, 16384, 8).withTooltip("The canvas width the layout is for."))
                .input(InputSpec.integer(HEIGHT, 512, 16, 16384, 8).withTooltip("The canvas height the layout is for."))
                .output("LAYOUT", ValueType.LAYOUT)
                .output(new OutputSpec("text", ValueType.STRING, false, "The model's answer as generated."))
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    /**
     * A blank prompt, one over CLIPTextEncode's character limit (the server answers 400 before queueing) or a
     * template without its slot; execute checks the same on linked values.
     */
    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        if (widgetValues.has(PROMPT) && widgetValues.getString(PROMPT).isBlank()) {
            problems.add(InputProblem.of(PROMPT, "is empty; expected a description of the image to lay out"));
        }
        String tooLong = widgetValues.has(PROMPT)
                ? PromptLimits.fromSystemProperties().charProblem(widgetValues.getString(PROMPT)) : null;
        if (tooLong != null) problems.add(InputProblem.of(PROMPT, tooLong));
        if (widgetValues.has(TEMPLATE) && !widgetValues.getString(TEMPLATE).contains(SLOT)) {
            problems.add(InputProblem.of(TEMPLATE, "has no " + SLOT + " slot; the prompt would never reach the model"));
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        List<InputProblem> problems = validate(inputs);
        if (!problems.isEmpty()) {
            throw NodeException.invalidInput(problems.get(0).input(), problems.get(0).message());
        }
        LlmCheckpoint llm = inputs.get(LLM, LlmHandle.class).checkpoint();
        String prompt = inputs.getString(PROMPT).strip();
        int maxInstances = (int) inputs.getInt(MAX_INSTANCES);
        int maxNewTokens = (int) inputs.getInt(MAX_NEW_TOKENS);
        SamplingOptions sampling = new SamplingOptions(inputs.getFloat(TEMPERATURE), 0, 1, 1, inputs.getInt(SEED));
        ChatTokenizer tokenizer;
        try {
            tokenizer = llm.tokenizer();
        } catch (ModelLoadException e) {
            throw new NodeException("invalid_input", LLM, e.getMessage(), e);
        }
        long[] ids = tokenizer.encodeChat("", inputs.getString(TEMPLATE).replace(SLOT, prompt));
        GrammarConstraint constraint = GrammarConstraint.forGeneration(vocabulary(tokenizer), maxInstances);
        GenerationOptions options = new GenerationOptions(maxNewTokens, sampling, List.of(), Set.of(), true);
        NDManager manager = tensors.runManager(context.scope());
        Generation generation = tensors.call(() -> new TextGenerator(llm.model()).generate(manager, ids, options,
                tokenizer::decodeWithSpecialTokens, constraint, n -> {
                    context.checkInterrupted();
                    context.progress(n, maxNewTokens);
                }));
        String text = generation.text();
        if (generation.reason() != Generation.StopReason.CONSTRAINT_COMPLETE) {
            throw NodeException.invalidInput(MAX_NEW_TOKENS, "the layout was not complete after " + maxNewTokens
                    + " tokens (so far: " + text + "); raise " + MAX_NEW_TOKENS + " or lower " + MAX_INSTANCES);
        }
        Layout parsed;
        try {
            parsed = PaperFormat.read(text, Coordinates.normalized());
        } catch (InvalidLayoutException e) {
            // The grammar guarantees a parse; reaching this is a bug in it, reported with the text.
            throw new IllegalStateException("the constrained answer does not parse: " + e.getMessage(), e);
        }
        Layout layout = Layout.builder(prompt).addAll(parsed.instances())
                .size((int) inputs.getInt(WIDTH), (int) inputs.getInt(HEIGHT)).build();
        return NodeResult.of(layout, text).withUi("text", List.of(text));
    }

    private synchronized GrammarConstraint.Vocabulary vocabulary(ChatTokenizer tokenizer) {
        return vocabularies.computeIfAbsent(tokenizer,
                t -> GrammarConstraint.Vocabulary.forLayouts(t.tokenBytes(), t.specialTokens()));
    }
}
