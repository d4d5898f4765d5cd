namespace Router.Actors.Configuration;

// The provider blocks of side services: service (a supervised process) and health_check.
public static partial class ConfigLoader
{
    private static readonly string[] ServiceKeys = ["command", "cwd", "env", "port", "auto_start"];
    private static readonly string[] HealthCheckKeys = ["url", "interval", "timeout"];

    private sealed partial class Reader
    {
        private ServiceConfig? ServiceBlock(Entry block)
        {
            var entries = Mapping(block.Value, block.Path, ServiceKeys);
            if (entries.Count == 0) return null;
            var command = entries.Where(e => e.Key == "command").Select(NonEmptyString).FirstOrDefault()
                ?? throw Error(block.KeyNode, Child(block.Path, "command"), "missing required key 'command' (the shell command that starts the service)");
            var config = new ServiceConfig { Command = command, Cwd = baseDir };
            foreach (var e in entries)
            {
                config = e.Key switch
                {
                    "cwd" => config with { Cwd = EnvExpander.ResolvePath(PathValue(e) ?? ".", baseDir) },
                    "env" => config with { Env = Mapping(e.Value, e.Path, allowed: null).ToDictionary(v => v.Key, v => String(v) ?? "") },
                    "port" => config with { Port = Port(e) },
                    "auto_start" => config with { AutoStart = Bool(e) ?? config.AutoStart },
                    _ => config,
                };
            }
            return config;
        }

        private HealthCheckConfig? HealthCheckBlock(Entry block)
        {
            var entries = Mapping(block.Value, block.Path, HealthCheckKeys);
            if (entries.Count == 0) return null;
            var config = new HealthCheckConfig
            {
                Url = entries.Where(e => e.Key == "url").Select(HttpUrl).FirstOrDefault()
                    ?? throw Error(block.KeyNode, Child(block.Path, "url"), "missing required key 'url'"),
            };
            foreach (var e in entries)
            {
                config = e.Key switch
                {
                    "interval" => config with { Interval = Int(e, 1, 86400, "a number of seconds in 1..86400") ?? config.Interval },
                    "timeout" => config with { Timeout = Int(e, 1, 3600, "a number of seconds in 1..3600") ?? config.Timeout },
                    _ => config,
                };
            }
            return config;
        }
    }
}
