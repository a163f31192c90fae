using Backtest.Cli.Notebooks;

namespace Backtest.Cli.Tests.Notebooks;

public class NotebookFileTests
{
    private static Notebook Sample()
    {
        using var builder = new TestNotebook();
        return NotebookFile.Parse(builder.Markdown("# Ünïcode — <b>\n\nend").Code("var x = 1;\nx").Json(), "sample.ipynb");
    }

    [Fact]
    public void WritingIsJupytersLayoutSortedKeysOneSpaceIndentLinesAndAFinalNewline()
    {
        var notebook = Sample();
        var cells = notebook.Cells.ToList();
        cells[1] = cells[1] with
        {
            ExecutionCount = 1,
            Outputs =
            [
                new StreamOutput("stdout", "a\nb"),
                new DisplayOutput(new Dictionary<string, string> { ["text/plain"] = "1" }, 1),
            ],
        };

        var text = NotebookFile.Serialize(notebook with { Cells = cells });

        Assert.Equal(
            """
            {
             "cells": [
              {
               "cell_type": "markdown",
               "id": "cell-1",
               "metadata": {},
               "source": [
                "# Ünïcode — <b>\n",
                "\n",
                "end"
               ]
              },
              {
               "cell_type": "code",
               "execution_count": 1,
               "id": "cell-2",
               "metadata": {
                "dotnet_interactive": {
                 "language": "csharp"
                }
               },
               "outputs": [
                {
                 "name": "stdout",
                 "output_type": "stream",
                 "text": [
                  "a\n",
                  "b"
                 ]
                },
                {
                 "data": {
                  "text/plain": [
                   "1"
                  ]
                 },
                 "execution_count": 1,
                 "metadata": {},
                 "output_type": "execute_result"
                }
               ],
               "source": [
                "var x = 1;\n",
                "x"
               ]
              }
             ],
             "metadata": {
              "kernelspec": {
               "display_name": ".NET (C#)",
               "language": "C#",
               "name": ".net-csharp"
              }
             },
             "nbformat": 4,
             "nbformat_minor": 5
            }

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void ReadingWhatWasWrittenGivesTheSameNotebook()
    {
        var first = NotebookFile.Serialize(Sample());
        var again = NotebookFile.Serialize(NotebookFile.Parse(first, "again.ipynb"));

        Assert.Equal(first, again);
        Assert.Empty(Nbformat45.Violations(first));
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("one", new[] { "one" })]
    [InlineData("a\n", new[] { "a\n" })]
    [InlineData("a\n\nb", new[] { "a\n", "\n", "b" })]
    public void TextSplitsAfterEachNewline(string text, string[] lines)
    {
        Assert.Equal(lines, NotebookFile.Lines(text).Select(l => l!.GetValue<string>()));
    }

    [Fact]
    public void AFirstLineCSharpMarkerBecomesABlankLineSoLineNumbersHold()
    {
        var cell = new NotebookCell("c", CellKind.Code, "#!csharp\nvar a = 1;", new System.Text.Json.Nodes.JsonObject());

        Assert.Equal("\nvar a = 1;", NotebookFile.ScriptText(cell));
    }
}
