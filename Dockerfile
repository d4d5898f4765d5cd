# Router in a container: build with the SDK, run on the ASP.NET runtime as the non-root `app` user.
#   docker build -t router .
#   docker run -p 8317:8317 -e ROUTER_API_KEY=sk-local -v router-data:/data router
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Router.sln Directory.Build.props Directory.Packages.props ./
COPY hocon/ hocon/
COPY src/ src/
RUN dotnet publish src/Router.Http -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
# The GC's young-generation budget, 32 MB: hundreds of streams in flight outgrow the default (README,
# "Many concurrent streams"). The runtime reads it from the environment only.
ENV DOTNET_GCgen0size=0x2000000
COPY --from=build /app ./
COPY docker/config.unified.yaml /etc/router/config.unified.yaml
# Tokens, the embedded database, the key ring that seals them (/data/keys: a volume of its own in a
# cluster, shared by every node) and logs live on the volume; the image's `app` user (uid 1654) owns it.
RUN mkdir -p /data/keys && chown -R app:app /data && chmod 700 /data /data/keys
VOLUME /data
USER app
EXPOSE 8317
# `status` exits 0 while the router answers, 3 when it does not.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["dotnet", "/app/router.dll", "status", "--config", "/etc/router/config.unified.yaml"]
# docker stop sends SIGTERM: the router finishes in-flight streams (server.shutdown_timeout) and exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/router.dll"]
CMD ["serve", "--config", "/etc/router/config.unified.yaml"]
