using System.Diagnostics;
using Router.Tests.Fakes;
using Router.Tests.Integration;
using Xunit.Abstractions;

namespace Router.Tests.Faults;

/// <summary>
/// Every fault × {stream, whole} × {with, without a backup provider}: the client gets the backup's
/// answer or one clean error in its own format (the status the failover rules give, never a 500 of
/// the router's own), no upstream key reaches it, and afterwards no account has a call in flight.
/// </summary>
public sealed class FaultMatrixTests(FaultMatrixRouter matrix, ITestOutputHelper output) : IClassFixture<FaultMatrixRouter>
{
    public static TheoryData<int> Cases() => new(FaultCase.All.Select(c => c.Index));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_client_gets_the_backup_or_one_clean_error_and_no_lease_is_left(int index)
    {
        var c = FaultCase.All[index];
        var expected = c.Expect();
        var watch = Stopwatch.StartNew();
        var view = await ClientView.ReadAsync(await matrix.Router.Http.PostAsync("/v1/chat/completions", Json.Body(c.Model, stream: c.Stream)));
        var millis = watch.ElapsedMilliseconds;
        var passed = false;
        try
        {
            Assert.Equal(expected.Status, view.Status);
            Assert.DoesNotContain(c.Key, view.Body);
            if (expected.BrokenStream)
            {
                Assert.True(view.IsStream);
                Assert.StartsWith(expected.Text!, view.Text);
                Assert.Equal(1, view.ErrorEvents);
                Assert.False(view.Done);
            }
            else if (expected.Text is not null)
            {
                Assert.Equal(expected.Text, view.Text);
                Assert.Equal(0, view.ErrorEvents);
            }
            else
            {
                Assert.False(view.IsStream);
                Assert.Equal(1, view.ErrorEvents); // {"error": {...}}: the OpenAI client's own error shape
            }
            await RouterUnderTest.EventuallyAsync(async () => await matrix.InFlightAsync(c.Provider) == 0 && await matrix.InFlightAsync("backup") == 0,
                "no call in flight on any account", 8000);
            passed = true;
        }
        finally
        {
            matrix.Results[index] = (c, expected, view.Describe(), passed, millis);
            output.WriteLine($"{c}: expected {expected}, got {view.Describe()} in {millis} ms");
        }
    }
}
