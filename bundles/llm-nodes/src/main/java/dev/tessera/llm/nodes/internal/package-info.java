/** The LLM nodes and the cache of loaded language models; private to the bundle. */
package dev.tessera.llm.nodes.internal;
