using System.CommandLine;
using Router.Actors.Configuration;
using Router.Http;

// The command line: `router [serve] [--config PATH]` runs the router in the foreground;
// `router validate [--config PATH]` checks the config and says what is wrong.

var configOption = new Option<string>("--config")
{
    Description = "Path of config.unified.yaml",
    DefaultValueFactory = _ => "config.unified.yaml",
    Recursive = true,
};

var root = new RootCommand("Router: one OpenAI-compatible endpoint for every model you can reach.");
root.Options.Add(configOption);

var serve = new Command("serve", "Run the router in the foreground (the default).");
serve.SetAction((parse, ct) => Commands.ServeAsync(parse.GetValue(configOption)!, ct));
root.Subcommands.Add(serve);
root.SetAction((parse, ct) => Commands.ServeAsync(parse.GetValue(configOption)!, ct));

var validate = new Command("validate", "Check the config file and print the first error, if any.");
validate.SetAction(parse => Commands.Validate(parse.GetValue(configOption)!));
root.Subcommands.Add(validate);

return await root.Parse(args).InvokeAsync();
