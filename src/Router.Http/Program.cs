using System.CommandLine;
using Router.Http;

Router.Actors.Hosting.StartupClock.Mark("main");

// The command line. No verb means `serve` (foreground). Every verb takes --config (default
// ./config.unified.yaml); start/stop/status/restart/logs find the running router through the
// pid file in auth.dir and talk to it over HTTP.

var configOption = new Option<string>("--config")
{
    Description = "Path of config.unified.yaml",
    DefaultValueFactory = _ => "config.unified.yaml",
    Recursive = true,
};
var backgroundOption = new Option<bool>("--background") { Description = "Log to the log file only (used by start)", Hidden = true };

var root = new RootCommand("Router: one OpenAI-compatible endpoint for every model you can reach.");
root.Options.Add(configOption);
root.SetAction((parse, ct) => Commands.ServeAsync(parse.GetValue(configOption)!, false, ct));

Add("serve", "Run the router in the foreground (the default).", [backgroundOption], [],
    (parse, ct) => Commands.ServeAsync(parse.GetValue(configOption)!, parse.GetValue(backgroundOption), ct));
Add("start", "Start the router in the background and wait until it is healthy.", [], [],
    (parse, _) => Commands.StartAsync(parse.GetValue(configOption)!));
Add("stop", "Stop the background router gracefully (in-flight streams finish, side services stop).", [], [],
    (parse, _) => Commands.StopAsync(parse.GetValue(configOption)!));

var nameArgument = new Argument<string?>("name") { Description = "A provider with a side service (default: the router itself)", Arity = ArgumentArity.ZeroOrOne };
Add("restart", "Restart the router, or one provider's side service.", [], [nameArgument],
    (parse, _) => Commands.RestartAsync(parse.GetValue(configOption)!, parse.GetValue(nameArgument)));

Add("reload", "Make the running router read its config file again (what cannot change live is named).", [], [],
    (parse, _) => Commands.ReloadAsync(parse.GetValue(configOption)!));

var jsonOption = new Option<bool>("--json") { Description = "Print the status as JSON" };
Add("status", "Show the router, every provider and side service: health, pid, uptime, accounts, last error.", [jsonOption], [],
    (parse, _) => Commands.StatusAsync(parse.GetValue(configOption)!, parse.GetValue(jsonOption)));

var logNameArgument = new Argument<string?>("name") { Description = "A side service (default: the router's own log)", Arity = ArgumentArity.ZeroOrOne };
var followOption = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines" };
var linesOption = new Option<int>("--lines", "-n") { Description = "How many lines to show", DefaultValueFactory = _ => 50 };
Add("logs", "Show the router's log or a side service's log.", [followOption, linesOption], [logNameArgument],
    (parse, ct) => Commands.LogsAsync(parse.GetValue(configOption)!, parse.GetValue(logNameArgument), parse.GetValue(followOption), parse.GetValue(linesOption), ct));

Add("validate", "Check the config file and print the first error, if any.", [], [],
    (parse, _) => Task.FromResult(Commands.Validate(parse.GetValue(configOption)!)));
Add("install", "Check and install what the enabled providers need, and say what was done.", [], [],
    (parse, _) => Commands.InstallAsync(parse.GetValue(configOption)!));

var kindArgument = new Argument<string>("kind") { Description = "claude, chatgpt or aistudio" };
kindArgument.AcceptOnlyFromAmong("claude", "chatgpt", "aistudio");
var providerOption = new Option<string?>("--provider") { Description = "Which provider of that kind, when several are configured" };
Add("login", "Sign in a Claude Pro or ChatGPT Plus account (LLMux), or open the AI Studio worker's sign-in window, through the running router.", [providerOption], [kindArgument],
    (parse, ct) => Commands.LoginAsync(parse.GetValue(configOption)!, parse.GetValue(kindArgument)!, parse.GetValue(providerOption), ct));

root.Subcommands.Add(Router.Http.Operations.DiagCommand.Create(configOption));

return await root.Parse(args).InvokeAsync();

void Add(string name, string description, Option[] options, Argument[] arguments, Func<ParseResult, CancellationToken, Task<int>> action)
{
    var command = new Command(name, description);
    foreach (var option in options) command.Options.Add(option);
    foreach (var argument in arguments) command.Arguments.Add(argument);
    command.SetAction(action);
    root.Subcommands.Add(command);
}
