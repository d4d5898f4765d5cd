using System.CommandLine;
using Router.Actors.Configuration;
using Router.Http;

// The command line: `router [serve] [--config PATH]` runs the router in the foreground;
// `router validate [--config PATH]` checks the config and says what is wrong;
// `router login claude|chatgpt` signs an account in through the running router.

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

var kindArgument = new Argument<string>("kind") { Description = "claude or chatgpt" };
kindArgument.AcceptOnlyFromAmong("claude", "chatgpt");
var providerOption = new Option<string?>("--provider") { Description = "Which provider of that kind, when several are configured" };
var login = new Command("login", "Sign in a Claude Pro or ChatGPT Plus account (LLMux) through the running router.");
login.Arguments.Add(kindArgument);
login.Options.Add(providerOption);
login.SetAction((parse, ct) => Commands.LoginAsync(parse.GetValue(configOption)!, parse.GetValue(kindArgument)!, parse.GetValue(providerOption), ct));
root.Subcommands.Add(login);

return await root.Parse(args).InvokeAsync();
