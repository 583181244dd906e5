package dev.tessera.graph.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.ModelFileList;
import dev.tessera.graph.api.NodeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFoldersTest {

    @TempDir
    Path tmp;

    private FileFolders folders(Map<String, String> properties) {
        return new FileFolders(properties::get);
    }

    @Test
    void defaultsLiveUnderHomeAndAreCreatedWhenAskedFor() {
        Path home = tmp.resolve("home");
        FileFolders f = folders(Map.of("tessera.home", home.toString()));
        assertFalse(Files.exists(home.resolve("output")), "nothing is created before it is asked for");
        assertEquals(home.resolve("output"), f.output());
        assertEquals(home.resolve("input"), f.input());
        assertEquals(home.resolve("temp"), f.temp());
        assertEquals(home.resolve("models"), f.models());
        assertEquals(home.resolve("models").resolve("loras"), f.modelFolder("loras"));
        for (String name : List.of("output", "input", "temp", "models")) assertTrue(Files.isDirectory(home.resolve(name)), name);
    }

    @Test
    void propertiesOverrideEachFolderAndRelativeOnesStartAtHome() {
        Path out = tmp.resolve("elsewhere/out");
        FileFolders f = folders(Map.of("tessera.home", tmp.toString(), "tessera.output.dir", out.toString(),
                "tessera.input.dir", "pictures", "tessera.temp.dir", "scratch/t", "tessera.models.dir", "../m"));
        assertEquals(out, f.output());
        assertEquals(tmp.resolve("pictures"), f.input());
        assertEquals(tmp.resolve("scratch/t"), f.temp());
        assertEquals(tmp.getParent().resolve("m").normalize(), f.models().normalize());
    }

    @Test
    void theFoldersPidOverridesTheFrameworkProperties() {
        // As the component reads them: configuration keys without the "tessera." of the framework properties.
        Map<String, String> framework = Map.of("tessera.home", tmp.toString(), "tessera.output.dir", "fw-out",
                "tessera.input.dir", "fw-in");
        FileFolders f = new FileFolders(dev.tessera.graph.api.HostSettings.layered(
                Map.of("home", tmp.resolve("cfg").toString(), "output.dir", "cfg-out", "input.dir", ""), "tessera.", framework::get));
        assertEquals(tmp.resolve("cfg/cfg-out"), f.output(), "configured home and folder");
        assertEquals(tmp.resolve("cfg/fw-in"), f.input(), "blank: the framework property, under the configured home");
        assertEquals(tmp.resolve("cfg/temp"), f.temp());
    }

    @Test
    void homeDefaultsToTheWorkingDirectory() {
        assertEquals(Path.of(System.getProperty("user.dir")).toAbsolutePath().resolve("models").normalize(),
                new FileFolders(key -> null).modelFolder("x").getParent());
    }

    @Test
    void listsModelFilesRecursivelySortedWithSlashesAndExtensionFilter() throws IOException {
        FileFolders f = folders(Map.of("tessera.home", tmp.toString()));
        Path loras = f.modelFolder("loras");
        Files.createDirectories(loras.resolve("sub/deeper"));
        for (String name : List.of("b.safetensors", "a.SAFETENSORS", "notes.txt", "sub/c.safetensors", "sub/deeper/d.ckpt")) {
            Files.writeString(loras.resolve(name), "x");
        }
        assertEquals(List.of("a.SAFETENSORS", "b.safetensors", "sub/c.safetensors"),
                f.listModelFiles("loras", List.of(".safetensors")));
        assertEquals(List.of("a.SAFETENSORS", "b.safetensors", "sub/c.safetensors", "sub/deeper/d.ckpt"),
                f.listModelFiles("loras", List.of("safetensors", ".ckpt")));
        assertEquals(5, f.listModelFiles("loras", List.of()).size());
        assertEquals(List.of(), f.listModelFiles("checkpoints", List.of(".safetensors")), "a missing folder lists nothing");
    }

    @Test
    void resolvesNamesInsideTheFolderAndRefusesEscapes() throws IOException {
        FileFolders f = folders(Map.of("tessera.home", tmp.toString()));
        Path ckpt = f.modelFolder("checkpoints");
        Files.createDirectories(ckpt.resolve("sd"));
        Files.writeString(ckpt.resolve("sd/model.safetensors"), "x");
        Path secret = Files.writeString(tmp.resolve("secret.safetensors"), "s");

        assertEquals(ckpt.resolve("sd/model.safetensors"), f.resolveModelFile("checkpoints", "sd/model.safetensors"));
        assertEquals(ckpt.resolve("sd/model.safetensors"), f.resolveModelFile("checkpoints", "sd\\model.safetensors"),
                "names from workflows saved on Windows");

        assertRefused(f, secret.toString(), "not an absolute path");
        assertRefused(f, "C:\\models\\x.safetensors", "not an absolute path");
        assertRefused(f, "../secret.safetensors", "must not contain '..'");
        assertRefused(f, "sd/../../secret.safetensors", "must not contain '..'");
        assertRefused(f, "missing.safetensors", "not found in");
        assertRefused(f, "", "no file name given");

        Files.createSymbolicLink(ckpt.resolve("escape.safetensors"), secret);
        assertRefused(f, "escape.safetensors", "a link leading outside");
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(outside.resolve("other.safetensors"), "s");
        Files.createSymbolicLink(ckpt.resolve("linked"), outside);
        assertRefused(f, "linked/other.safetensors", "a link leading outside");
        assertEquals(List.of("sd/model.safetensors"), f.listModelFiles("checkpoints", List.of(".safetensors")),
                "links leading out (to a file or a folder) are not offered either");

        Files.createSymbolicLink(ckpt.resolve("alias.safetensors"), ckpt.resolve("sd/model.safetensors"));
        assertEquals(ckpt.resolve("sd/model.safetensors").toRealPath(), f.resolveModelFile("checkpoints", "alias.safetensors"),
                "a link that stays inside is fine, and read where it leads");

        assertThrows(IllegalArgumentException.class, () -> f.modelFolder("../outside"));
    }

    @Test
    void filesBesideAModelFileAreConfinedToTheModelsFolderLikeTheFile() throws IOException {
        FileFolders f = folders(Map.of("tessera.home", tmp.toString()));
        Path ckpt = f.modelFolder("checkpoints");
        Files.createDirectories(ckpt);
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Path secretJson = Files.writeString(outside.resolve("secret.json"), "{}");

        // An architecture file that is a link out.
        Files.writeString(ckpt.resolve("a.safetensors"), "x");
        Files.createSymbolicLink(ckpt.resolve("a.arch.json"), secretJson);
        assertRefusedBeside(f, "a.safetensors", "a.arch.json is (or lies in) a link leading outside");

        // A tokenizer folder that is a link out, and one with a link out inside it.
        Files.writeString(ckpt.resolve("b.safetensors"), "x");
        Files.createSymbolicLink(ckpt.resolve("b.tokenizer"), outside);
        assertRefusedBeside(f, "b.safetensors", "b.tokenizer is (or lies in)");
        Path c = Files.createDirectories(ckpt.resolve("c.tokenizer"));
        Files.writeString(ckpt.resolve("c.safetensors"), "x");
        Files.createSymbolicLink(c.resolve("tokenizer.json"), secretJson);
        assertRefusedBeside(f, "c.safetensors", "tokenizer.json is (or lies in)");

        // Found beside the real path, where loaders look: a checkpoint linked to a subfolder brings its companions.
        Path sub = Files.createDirectories(ckpt.resolve("sub"));
        Files.writeString(sub.resolve("d.safetensors"), "x");
        Files.createSymbolicLink(sub.resolve("d.arch.json"), secretJson);
        Files.createSymbolicLink(ckpt.resolve("link-to-d.safetensors"), sub.resolve("d.safetensors"));
        assertRefusedBeside(f, "link-to-d.safetensors", "d.arch.json is (or lies in)");

        // Companions inside the models folder are fine, links included (a shared tokenizer under models/).
        Path shared = Files.createDirectories(f.models().resolve("tokenizers/clip_l"));
        Files.writeString(shared.resolve("tokenizer.json"), "{}");
        Files.writeString(ckpt.resolve("e.safetensors"), "x");
        Files.writeString(ckpt.resolve("e.arch.json"), "{}");
        Files.createSymbolicLink(ckpt.resolve("e.tokenizer"), shared);
        assertEquals(ckpt.resolve("e.safetensors").toRealPath(), f.resolveModelFile("checkpoints", "e.safetensors"));
    }

    @Test
    void aListingCountsTheLinksLeadingOutAndNamesOneAsDoesAMissingName() throws IOException {
        Path home = tmp.resolve("skip");
        FileFolders f = folders(Map.of("tessera.home", home.toString()));
        Path outside = Files.createDirectories(tmp.resolve("skip-outside"));
        Files.writeString(outside.resolve("secret.safetensors"), "x");
        Path ckpt = Files.createDirectories(f.modelFolder("checkpoints"));
        Files.writeString(ckpt.resolve("ok.safetensors"), "x");
        Files.createSymbolicLink(ckpt.resolve("escape.safetensors"), outside.resolve("secret.safetensors"));
        Files.createSymbolicLink(ckpt.resolve("linked"), outside);
        Files.createSymbolicLink(ckpt.resolve("notes.txt"), outside.resolve("secret.safetensors"));

        List<String> names = f.listModelFiles("checkpoints", List.of(".safetensors"));
        assertEquals(List.of("ok.safetensors"), names);
        assertEquals("2 entries were skipped because they lead outside " + ckpt + ", e.g. 'escape.safetensors'",
                ModelFileList.skippedNote(names), "the file and the folder link; not the link the extensions leave out");
        NodeException e = assertThrows(NodeException.class, () -> f.resolveModelFile("checkpoints", "gone.safetensors"));
        assertTrue(e.getMessage().startsWith("model file 'gone.safetensors' not found in " + ckpt
                + "; 3 entries were skipped because they lead outside"), e.getMessage());

        Path vae = f.modelFolder("vae");
        Files.createSymbolicLink(vae, outside);
        List<String> none = f.listModelFiles("vae", List.of(".safetensors"));
        assertEquals(List.of(), none);
        assertEquals("1 entry was skipped because it leads outside " + f.models() + ": 'vae'",
                ModelFileList.skippedNote(none));
        assertEquals("", ModelFileList.skippedNote(f.listModelFiles("loras", List.of(".safetensors"))));
        // What the listing leaves out is not opened by name either.
        NodeException linked = assertThrows(NodeException.class, () -> f.resolveModelFile("vae", "secret.safetensors"));
        assertEquals("model file 'secret.safetensors': the 'vae' folder is a link leading outside " + f.models(),
                linked.getMessage());
    }

    private static void assertRefused(FileFolders f, String name, String why) {
        NodeException e = assertThrows(NodeException.class, () -> f.resolveModelFile("checkpoints", name), name);
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    private static void assertRefusedBeside(FileFolders f, String name, String why) {
        NodeException e = assertThrows(NodeException.class, () -> f.resolveModelFile("checkpoints", name), name);
        assertTrue(e.getMessage().startsWith("model file '" + name + "': beside it, ") && e.getMessage().contains(why),
                e.getMessage());
    }

    @Test
    void everyFileOfAModelFolderIsConfinedToTheModelsFolder() throws IOException {
        FileFolders f = folders(Map.of("tessera.home", tmp.toString()));
        Path diffusers = f.modelFolder("diffusers");
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Path secret = Files.writeString(outside.resolve("secret.safetensors"), "x");

        Path good = Files.createDirectories(diffusers.resolve("good/unet"));
        Files.writeString(diffusers.resolve("good/model_index.json"), "{}");
        Files.writeString(good.resolve("diffusion_pytorch_model.safetensors"), "x");
        assertEquals(diffusers.resolve("good").toRealPath(), f.resolveModelFolder("diffusers", "good", "model_index.json"));

        // The marker is fine, a weight file deep inside is a link out: the folder is refused, naming that file.
        Path bad = Files.createDirectories(diffusers.resolve("bad/vae"));
        Files.writeString(diffusers.resolve("bad/model_index.json"), "{}");
        Files.createSymbolicLink(bad.resolve("diffusion_pytorch_model.safetensors"), secret);
        NodeException e = assertThrows(NodeException.class, () -> f.resolveModelFolder("diffusers", "bad", "model_index.json"));
        assertTrue(e.getMessage().contains("vae/diffusion_pytorch_model.safetensors is (or lies in) a link leading outside"),
                e.getMessage());

        // A folder without its marker is not a model folder.
        Files.createDirectories(diffusers.resolve("empty"));
        assertThrows(NodeException.class, () -> f.resolveModelFolder("diffusers", "empty", "model_index.json"));

        // A shared folder a loader reads by itself: links out refused, missing is nothing to check.
        Path tokenizers = Files.createDirectories(f.models().resolve("tokenizers/clip_l"));
        assertEquals(tokenizers, f.checkInsideModels(tokenizers));
        Files.createSymbolicLink(tokenizers.resolve("vocab.json"), secret);
        assertThrows(NodeException.class, () -> f.checkInsideModels(f.models().resolve("tokenizers")));
        Path missing = f.models().resolve("tokenizers/t5");
        assertEquals(missing, f.checkInsideModels(missing));
    }
}
