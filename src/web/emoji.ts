// A modest built-in emoji set for reactions (no network): a quick row of common ones and a
// fuller grid by category. Each entry is one emoji as the contract takes it (at most 32 bytes).

export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"] as const;

export interface EmojiCategory {
	name: string;
	emoji: string[];
}

const split = (s: string) =>
	[...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(s)]
		.map((x) => x.segment)
		.filter((x) => x.trim());

export const EMOJI_CATEGORIES: EmojiCategory[] = [
	{
		name: "Smileys",
		emoji: split(
			"😀😃😄😁😆😅🤣😂🙂🙃😉😊😇🥰😍🤩😘😋😛😜🤪😝🤗🤭🤫🤔😐😑😶😏😒🙄😬😌😔😪😴😷🤒🤕🥵🥶😵🤯🤠🥳😎🤓🧐😕😟🙁😮😯😲😳🥺😦😧😨😰😥😢😭😱😖😣😞😓😩😫🥱😤😡😠🤬😈💀💩🤡👻👽🤖",
		),
	},
	{ name: "Gestures", emoji: split("👍👎👌✌️🤞🤟🤘🤙👈👉👆👇☝️✋🤚🖐️🖖👋🤏✍️👏🙌👐🤲🙏🤝💪🫶") },
	{ name: "Hearts", emoji: split("❤️🧡💛💚💙💜🖤🤍🤎💔❣️💕💞💓💗💖💘💝💯💢💥💫💦💨🔥✨⭐🌟") },
	{ name: "Animals", emoji: split("🐶🐱🐭🐹🐰🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵🐔🐧🐦🐤🦆🦉🐝🦋🐌🐞🐢🐍🐙🐬🐳🦈") },
	{ name: "Food", emoji: split("🍏🍎🍐🍊🍋🍌🍉🍇🍓🍒🍑🥭🍍🥥🥑🍅🥕🌽🥐🍞🧀🍳🍔🍟🍕🌮🍜🍣🍩🍪🎂🍰🍫🍿☕🍵🧃🍺") },
	{ name: "Activities", emoji: split("⚽🏀🏈⚾🎾🏐🏉🎱🏓🏸🥅⛳🎣🎽🎿🏆🥇🎮🎲🎯🎳🎸🎹🎤🎧🎬🎨📚✏️📝💻📱🎓") },
	{ name: "Travel", emoji: split("🚗🚕🚌🚎🚓🚑🚒🚲🛴✈️🚀🚁⛵🚢🚉🗺️🏠🏫🏥🏖️⛰️🌋🌅🌄🌈☀️🌙⛅🌧️⛈️❄️☃️") },
	{ name: "Symbols", emoji: split("✅❌❓❗⚠️🚫💤🔔🔕🎉🎊🎁🏳️🏁🆗🆒🆕🔝➕➖➗✔️") },
];
