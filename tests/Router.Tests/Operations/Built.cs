namespace Router.Tests.Operations;

/// <summary>Paths of programs this repository builds, found from the test assembly's own output folder.</summary>
public static class Built
{
    /// <summary>tests/Router.Tests/bin/{Configuration}/net10.0 → the same configuration of another project.</summary>
    private static string Output(string project, string relativeProjectDir) =>
        Path.Combine(RepoRoot, relativeProjectDir, "bin", Configuration, "net10.0");

    public static string RepoRoot { get; } = FindRoot();

    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string FakeVendorDll => Path.Combine(Output("Router.FakeVendor", "tests/Router.FakeVendor"), "Router.FakeVendor.dll");

    public static string RouterDll => Path.Combine(Output("Router.Http", "src/Router.Http"), "router.dll");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Router.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Router.sln not found above " + AppContext.BaseDirectory);
    }
}
