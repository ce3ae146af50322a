using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one version requirement (for example GLIBCXX_3.4.32) in the
/// .gnu.version_r section of an ELF64 little-endian shared library, when the system libstdc++
/// does not define that version. A weak requirement lets the loader accept the library; a symbol
/// bound to that version would then fail only if it were actually called.
/// </summary>
public class ConferWeakenGlibcxxRequirement : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required]
    public string LibraryPath { get; set; } = "";

    [Required]
    public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        if (SystemDefinesVersion())
        {
            Log.LogMessage(MessageImportance.Low, "System libstdc++ defines " + VersionName + "; " + LibraryPath + " left as is.");
            return true;
        }

        byte[] elf = File.ReadAllBytes(LibraryPath);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogError(LibraryPath + " is not an ELF64 little-endian file; cannot weaken " + VersionName + ".");
            return false;
        }

        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            int count = (int)BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);

            long need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if (name == VersionName)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            flags |= VerFlgWeak;
                            elf[aux + 4] = (byte)(flags & 0xff);
                            elf[aux + 5] = (byte)(flags >> 8);
                            string temp = LibraryPath + ".tmp";
                            File.WriteAllBytes(temp, elf);
                            File.Copy(temp, LibraryPath, true);
                            File.Delete(temp);
                            Log.LogMessage(MessageImportance.High, "Marked " + VersionName + " weak in " + LibraryPath + " (system libstdc++ lacks it).");
                        }

                        return true;
                    }

                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }

                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }

        Log.LogMessage(MessageImportance.Low, LibraryPath + " has no requirement on " + VersionName + ".");
        return true;
    }

    private bool SystemDefinesVersion()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        };
        byte[] marker = Encoding.ASCII.GetBytes(VersionName + "\0");
        foreach (string path in candidates)
        {
            if (File.Exists(path))
            {
                return IndexOf(File.ReadAllBytes(path), marker) >= 0;
            }
        }

        // No libstdc++ found where expected: keep the library untouched and let the loader speak.
        return true;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return i;
            }
        }

        return -1;
    }

    private static string ReadString(byte[] data, long offset)
    {
        int end = (int)offset;
        while (data[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(data, (int)offset, end - (int)offset);
    }
}
