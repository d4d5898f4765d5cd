namespace Router.Actors.Routing;

/// <summary>
/// Model names end up in upstream URLs (Gemini puts them in the path), so only plain names pass:
/// letters, digits and . _ - : / @ +, no empty or dot-dot segments, at most 256 characters.
/// </summary>
public static class ModelNames
{
    public static bool IsAcceptable(string model) =>
        model.Length is > 0 and <= 256
        && model.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '/' or '@' or '+')
        && model.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
}
