package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.cli.UsageException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServeCommandTest {

    static ServeCommand.Options parse(String... args) throws UsageException {
        return ServeCommand.Options.parse(List.of(args));
    }

    @Test
    void defaultsToComfyUisPortOnLoopbackOnly() throws Exception {
        ServeCommand.Options o = parse();
        assertEquals(8188, o.port());
        assertEquals("127.0.0.1", o.listen());
        assertTrue(ServeCommand.isLoopback(o.listen()));
    }

    @Test
    void readsPortListenAndFolderOptions() throws Exception {
        ServeCommand.Options o = parse("--port", "9000", "--listen=0.0.0.0", "--out", "o", "--models=m");
        assertEquals(9000, o.port());
        assertEquals("0.0.0.0", o.listen());
        assertFalse(ServeCommand.isLoopback(o.listen()));
        assertEquals("::1", parse("--listen", "[::1]").listen());
        assertTrue(parse("--help").help());
    }

    @Test
    void persistQueueIsAFlagWithAnOptionalFile() throws Exception {
        assertFalse(parse().persistQueue());
        assertTrue(parse("--persist-queue").persistQueue());
        assertTrue(parse("--persist-queue=q.json", "--port", "9000").persistQueue());
        assertEquals(9000, parse("--persist-queue", "--port", "9000").port());
        assertEquals("--persist-queue= needs a file name",
                assertThrows(UsageException.class, () -> parse("--persist-queue=")).getMessage());
    }

    @Test
    void refusesBadOptionsWithWhatWasExpected() {
        assertEquals("--port must be a TCP port between 1 and 65535, got '0'",
                assertThrows(UsageException.class, () -> parse("--port", "0")).getMessage());
        assertEquals("--port must be a TCP port between 1 and 65535, got 'http'",
                assertThrows(UsageException.class, () -> parse("--port=http")).getMessage());
        assertEquals("--port needs a value", assertThrows(UsageException.class, () -> parse("--port")).getMessage());
        assertEquals("--listen needs a value", assertThrows(UsageException.class, () -> parse("--listen", "--port", "1")).getMessage());
        assertEquals("--listen must be an IP address or host name, got 'a b'",
                assertThrows(UsageException.class, () -> parse("--listen", "a b")).getMessage());
        assertEquals("unknown option --bogus", assertThrows(UsageException.class, () -> parse("--bogus")).getMessage());
        assertEquals("serve takes no workflow or other argument, got 'wf.json'",
                assertThrows(UsageException.class, () -> parse("wf.json")).getMessage());
    }

    @Test
    void saysWhenTheRuntimeListensElsewhere() throws Exception {
        List<URI> endpoints = List.of(URI.create("http://127.0.0.1:8188/"));
        assertEquals(List.of(), ServeCommand.mismatches(parse(), endpoints));
        List<String> problems = ServeCommand.mismatches(parse("--port", "9000", "--listen", "127.0.0.2"), endpoints);
        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("--port 9000 was not applied"), problems::toString);
        assertTrue(problems.get(1).startsWith("--listen 127.0.0.2 was not applied"), problems::toString);
        assertEquals(List.of(), ServeCommand.mismatches(parse("--listen", "0.0.0.0"), endpoints));
        assertEquals(List.of(), ServeCommand.mismatches(parse("--listen", "::1"), List.of(URI.create("http://[::1]:8188/"))));
    }
}
