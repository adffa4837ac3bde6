// Command apiextensions-apiserver serves CustomResourceDefinitions and their custom resources on its
// own, for tests: k8s.io/apiextensions-apiserver with the options of its upstream command, changed
// where that command expects a kube-apiserver beside it.
//
//   - No core API: no delegated authentication or authorization, no admission plugins, no priority
//     and fairness. Client certificates of --client-ca-file authenticate; the group system:masters
//     may do everything, any other user nothing.
//   - Discovery (/apis) is served, which upstream leaves to the aggregator, so clients find the
//     custom resources.
//   - The custom resources' OpenAPI v2 and v3 are published (kubectl explain).
//   - Conversion webhooks are addressed by URL only (no Service lookups).
package main

import (
	"context"
	"os"

	"github.com/spf13/cobra"
	noopoteltrace "go.opentelemetry.io/otel/trace/noop"
	"k8s.io/apiextensions-apiserver/pkg/apiserver"
	"k8s.io/apiextensions-apiserver/pkg/cmd/server/options"
	generatedopenapi "k8s.io/apiextensions-apiserver/pkg/generated/openapi"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	genericoptions "k8s.io/apiserver/pkg/server/options"
	"k8s.io/apiserver/pkg/util/openapi"
	"k8s.io/apiserver/pkg/util/webhook"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/component-base/cli"
)

func main() {
	o := options.NewCustomResourceDefinitionsServerOptions(os.Stdout, os.Stderr)
	withoutCoreAPI(o.RecommendedOptions)
	cmd := &cobra.Command{
		Use:   "apiextensions-apiserver",
		Short: "Serves CustomResourceDefinitions without a kube-apiserver",
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return o.ServerRunOptions.ComponentGlobalsRegistry.Set()
		},
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.Complete(); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return run(c.Context(), o)
		},
	}
	cmd.SetContext(genericapiserver.SetupSignalContext())
	o.AddFlags(cmd.Flags())
	os.Exit(cli.Run(cmd))
}

func withoutCoreAPI(r *genericoptions.RecommendedOptions) {
	r.CoreAPI = nil
	r.Admission = nil
	r.Features.EnablePriorityAndFairness = false
	r.Authentication.RemoteKubeConfigFileOptional = true
	r.Authentication.SkipInClusterLookup = true
	r.Authorization.RemoteKubeConfigFileOptional = true
}

func run(ctx context.Context, o *options.CustomResourceDefinitionsServerOptions) error {
	generic := genericapiserver.NewRecommendedConfig(apiserver.Codecs)
	if err := o.ServerRunOptions.ApplyTo(&generic.Config); err != nil {
		return err
	}
	if err := o.RecommendedOptions.ApplyTo(generic); err != nil {
		return err
	}
	if err := o.APIEnablement.ApplyTo(&generic.Config, apiserver.DefaultAPIResourceConfigSource(), apiserver.Scheme); err != nil {
		return err
	}
	definitions := openapi.GetOpenAPIDefinitionsWithoutDisabledFeatures(generatedopenapi.GetOpenAPIDefinitions)
	namer := openapinamer.NewDefinitionNamer(apiserver.Scheme, scheme.Scheme)
	generic.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(definitions, namer)
	generic.OpenAPIV3Config = genericapiserver.DefaultOpenAPIV3Config(definitions, namer)

	config := &apiserver.Config{
		GenericConfig: generic,
		ExtraConfig: apiserver.ExtraConfig{
			CRDRESTOptionsGetter: options.NewCRDRESTOptionsGetter(*o.RecommendedOptions.Etcd,
				generic.ResourceTransformers, generic.StorageObjectCountTracker),
			ServiceResolver: webhook.NewDefaultServiceResolver(),
			AuthResolverWrapper: webhook.NewDefaultAuthenticationInfoResolverWrapper(nil, nil,
				generic.LoopbackClientConfig, noopoteltrace.NewTracerProvider()),
		},
	}
	completed := config.Complete()
	completed.GenericConfig.EnableDiscovery = true // Complete turns it off
	server, err := completed.New(genericapiserver.NewEmptyDelegate())
	if err != nil {
		return err
	}
	return server.GenericAPIServer.PrepareRun().RunWithContext(ctx)
}
