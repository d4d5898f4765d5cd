using Router.AiStudioWorker;

WorkerOptions options;
try
{
    options = WorkerOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("Router.AiStudioWorker: " + e.Message);
    Console.Error.WriteLine("usage: dotnet Router.AiStudioWorker.dll --relay-url ws://127.0.0.1:8317/v1/ws [--key WORKER_KEY] [--name NAME] [--provider PROVIDER] [--auth-dir DIR] [--page-url URL] [--signed-in-cookie NAME | --signed-in-selector CSS] [--chromium PATH]");
    return 2;
}

void Log(string line) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{options.Name}] {line}");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var onSigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

await using var worker = new Worker(options, Log);
try
{
    await worker.RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
Log("stopped");
return 0;
