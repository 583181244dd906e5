package dev.tessera.models.llm;

/**
 * How a system message and a user message become one prompt string, for the chat template families in use. The
 * Jinja {@code chat_template} of tokenizer_config.json is not executed: it is recognised by the special strings it
 * writes ({@link #detect}), and the family's fixed layout is produced here (single-turn, generation prompt added).
 */
public enum ChatFormat {
    /** Qwen2/2.5 (ChatML): {@code <|im_start|>role\ntext<|im_end|>\n}... then {@code <|im_start|>assistant\n}. */
    CHATML,
    /** Llama 3.x: header ids around each role, {@code <|eot_id|>} after each turn. */
    LLAMA3,
    /** Llama 2 / TinyLlama-chat style: {@code [INST] <<SYS>>...<</SYS>> text [/INST]}. */
    LLAMA2,
    /** No template (base models, Janus-Pro's raw LM, the stand-in sample): system text, a blank line, the prompt. */
    PLAIN;

    /** The family a {@code chat_template} belongs to (null or unknown: {@link #PLAIN}). */
    public static ChatFormat detect(String template) {
        if (template == null) {
            return PLAIN;
        }
        if (template.contains("<|im_start|>")) {
            return CHATML;
        }
        if (template.contains("<|start_header_id|>")) {
            return LLAMA3;
        }
        if (template.contains("[INST]")) {
            return LLAMA2;
        }
        return PLAIN;
    }

    /**
     * The prompt string (special tokens spelled out, to be encoded without the post-processor's additions except
     * where noted) for one system and one user message, ending where the assistant's answer starts.
     *
     * @param bos the tokenizer's beginning-of-sequence string, or null
     */
    public String render(String system, String user, String bos) {
        String begin = bos == null ? "" : bos;
        return switch (this) {
            case CHATML -> (system.isEmpty() ? "" : "<|im_start|>system\n" + system + "<|im_end|>\n")
                    + "<|im_start|>user\n" + user + "<|im_end|>\n<|im_start|>assistant\n";
            case LLAMA3 -> begin + (system.isEmpty() ? "" : "<|start_header_id|>system<|end_header_id|>\n\n" + system
                    + "<|eot_id|>") + "<|start_header_id|>user<|end_header_id|>\n\n" + user
                    + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
            case LLAMA2 -> begin + "[INST] " + (system.isEmpty() ? "" : "<<SYS>>\n" + system + "\n<</SYS>>\n\n")
                    + user + " [/INST]";
            case PLAIN -> begin + (system.isEmpty() ? "" : system + "\n\n") + user + "\n";
        };
    }
}
