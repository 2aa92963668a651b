package io.wgfleet.lab;

import java.nio.file.Path;

/**
 * Just the embedded API server, for trying kubectl or running operators by hand against
 * it: {@code mvn -q exec:java -Dexec.mainClass=io.wgfleet.lab.ApiServerMain -Dexec.classpathScope=test}.
 * Prints the URL and the kubeconfig; Ctrl-C stops it.
 */
public final class ApiServerMain {

    private ApiServerMain() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        KubectlApiServer api = KubectlApiServer.start(Path.of("crds"));
        Runtime.getRuntime().addShutdownHook(new Thread(api::close));
        Path kubeconfig = api.writeKubeconfig(Path.of("target", "api", "kubeconfig").toAbsolutePath());
        System.out.println("API server " + api.url() + "\nexport KUBECONFIG=" + kubeconfig);
        Thread.currentThread().join();
    }
}
