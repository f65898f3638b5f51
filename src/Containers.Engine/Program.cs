using Containers.Engine.Configuration;
using Containers.Engine.Hosting;

namespace Containers.Engine;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var (command, settings) = SettingsLoader.Load(args);
            switch (command)
            {
                case SettingsLoader.Command.Help:
                    Console.Out.Write(SettingsLoader.HelpText());
                    return 0;
                case SettingsLoader.Command.Version:
                    Console.Out.WriteLine(EngineIdentity.Describe());
                    return 0;
            }
            return await EngineHost.RunAsync(settings);
        }
        catch (EngineStartupException e)
        {
            await Console.Error.WriteLineAsync($"containers-engine: {e.Message}");
            return 1;
        }
    }
}
