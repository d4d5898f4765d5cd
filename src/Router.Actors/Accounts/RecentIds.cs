namespace Router.Actors.Accounts;

/// <summary>The last <c>capacity</c> ids seen, oldest forgotten first: enough to notice a message that arrives twice.</summary>
public sealed class RecentIds(int capacity)
{
    private readonly HashSet<string> _ids = new();
    private readonly Queue<string> _order = new();

    /// <summary>False when the id was seen lately; otherwise remembers it.</summary>
    public bool Add(string id)
    {
        if (!_ids.Add(id)) return false;
        _order.Enqueue(id);
        if (_order.Count > capacity) _ids.Remove(_order.Dequeue());
        return true;
    }
}
