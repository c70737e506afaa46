namespace LastKnownGood.Kernel.UserMode;

/// <summary>Reads the data of one reply after its status.</summary>
internal delegate T ReplyReader<out T>(ref FrameReader reader);
