namespace Bench;

/// <summary>The figures of --cluster: three router nodes on one PostgreSQL against one router alone on SQLite.</summary>
sealed class ClusterSection
{
    public string When { get; set; } = "";
    public string Command { get; set; } = "";
    public string Commit { get; set; } = "";
    public string RouterSource { get; set; } = "";
    public bool Pinned { get; set; }
    public double WarmupS { get; set; }
    public double DurationS { get; set; }
    public int Chunks { get; set; }
    public string LoadAvgBefore { get; set; } = "";
    public string LoadAvgAfter { get; set; } = "";
    /// <summary>First node's process start → every node sees all three Up.</summary>
    public double? FormedMs { get; set; }
    public Dictionary<string, ProcStats> Procs { get; set; } = new();
    /// <summary>CPU each router used over 5 s without requests (after its warm-up), in % of one core.</summary>
    public Dictionary<string, double> IdleCpuPct { get; set; } = new();
    /// <summary>Which node hosts each provider's one account entity (node1..3).</summary>
    public Dictionary<string, string> AccountHosts { get; set; } = new();
    public List<ClusterMeasure> Runs { get; set; } = new();
    public List<Propagation> Propagations { get; set; } = new();
    public List<string> Notes { get; set; } = new();
}

/// <summary>One load run of --cluster: the usual figures plus the CPU every router process used meanwhile.</summary>
sealed class ClusterMeasure
{
    public string Key { get; set; } = "";      // e.g. spread-json-c64
    public string Label { get; set; } = "";
    public RunResult Run { get; set; } = new();
    /// <summary>CPU each router process used over the run (warm-up included), in % of one core.</summary>
    public Dictionary<string, double> CpuPct { get; set; } = new();
    /// <summary>All router processes' CPU time ÷ the requests they completed over the run, in ms.</summary>
    public double? CpuMsPerRequest { get; set; }
}

/// <summary>How long until every node's provider saw one account-state change made through one node.</summary>
sealed class Propagation
{
    public string Change { get; set; } = "";   // "cooldown (upstream 429)" | "reset (cooldown cleared)"
    public string Via { get; set; } = "";      // the node the request went to
    public string Host { get; set; } = "";     // the node hosting the account entity
    public int Rounds { get; set; }
    /// <summary>Per node: median and max ms from the request being sent to the node's status showing the change.</summary>
    public Dictionary<string, double[]> SeenMs { get; set; } = new();
    public double? AnswerMs { get; set; }      // median time of the triggering request's own answer
    public int Missed { get; set; }            // node-rounds that never showed the change within the deadline
}
