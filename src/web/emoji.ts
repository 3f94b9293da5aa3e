// A modest built-in emoji set (no network) for reactions and the composer: a quick row of
// common ones and a fuller grid by category, each emoji with its name (Unicode's short name,
// a few words more) so the picker can be searched by name (issue 22.7). Each entry is one emoji
// as the contract takes it (at most 32 bytes).

export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"] as const;

export interface Emoji {
	emoji: string;
	name: string;
}

export interface EmojiCategory {
	name: string;
	emoji: Emoji[];
}

/** "😀 grinning face|😃 …" to entries: the emoji, a space, its name. */
const entries = (list: string): Emoji[] =>
	list.split("|").map((item) => {
		const space = item.indexOf(" ");
		return { emoji: item.slice(0, space), name: item.slice(space + 1) };
	});

export const EMOJI_CATEGORIES: EmojiCategory[] = [
	{
		name: "Smileys",
		emoji: entries(
			"😀 grinning face|😃 grinning face with big eyes smiley|😄 grinning face with smiling eyes|😁 beaming face with smiling eyes|😆 grinning squinting face laughing|😅 grinning face with sweat|🤣 rolling on the floor laughing|😂 face with tears of joy laughing|🙂 slightly smiling face|🙃 upside-down face|😉 winking face wink|😊 smiling face with smiling eyes blush|😇 smiling face with halo angel|🥰 smiling face with hearts love|😍 smiling face with heart-eyes love|🤩 star-struck|😘 face blowing a kiss|😋 face savoring food yum|😛 face with tongue|😜 winking face with tongue|🤪 zany face crazy|😝 squinting face with tongue|🤗 hugging face hug|🤭 face with hand over mouth|🤫 shushing face quiet|🤔 thinking face|😐 neutral face|😑 expressionless face|😶 face without mouth|😏 smirking face smirk|😒 unamused face|🙄 face with rolling eyes|😬 grimacing face|😌 relieved face|😔 pensive face|😪 sleepy face|😴 sleeping face|😷 face with medical mask sick|🤒 face with thermometer ill|🤕 face with head-bandage hurt|🥵 hot face|🥶 cold face|😵 dizzy face|🤯 exploding head mind blown|🤠 cowboy hat face|🥳 partying face party|😎 smiling face with sunglasses cool|🤓 nerd face|🧐 face with monocle|😕 confused face|😟 worried face|🙁 slightly frowning face|😮 face with open mouth surprised wow|😯 hushed face|😲 astonished face|😳 flushed face|🥺 pleading face|😦 frowning face with open mouth|😧 anguished face|😨 fearful face scared|😰 anxious face with sweat|😥 sad but relieved face|😢 crying face sad tear|😭 loudly crying face sob|😱 face screaming in fear|😖 confounded face|😣 persevering face|😞 disappointed face|😓 downcast face with sweat|😩 weary face|😫 tired face|🥱 yawning face|😤 face with steam from nose|😡 pouting face angry|😠 angry face|🤬 face with symbols on mouth swearing|😈 smiling face with horns devil|💀 skull|💩 pile of poo|🤡 clown face|👻 ghost|👽 alien|🤖 robot",
		),
	},
	{
		name: "Gestures",
		emoji: entries(
			"👍 thumbs up like yes|👎 thumbs down dislike no|👌 ok hand|✌️ victory hand peace|🤞 crossed fingers luck|🤟 love-you gesture|🤘 sign of the horns rock|🤙 call me hand|👈 backhand index pointing left|👉 backhand index pointing right|👆 backhand index pointing up|👇 backhand index pointing down|☝️ index pointing up|✋ raised hand|🤚 raised back of hand|🖐️ hand with fingers splayed|🖖 vulcan salute|👋 waving hand wave hello bye|🤏 pinching hand|✍️ writing hand|👏 clapping hands applause|🙌 raising hands hooray|👐 open hands|🤲 palms up together|🙏 folded hands please thanks pray|🤝 handshake deal|💪 flexed biceps strong|🫶 heart hands love",
		),
	},
	{
		name: "Hearts",
		emoji: entries(
			"❤️ red heart love|🧡 orange heart|💛 yellow heart|💚 green heart|💙 blue heart|💜 purple heart|🖤 black heart|🤍 white heart|🤎 brown heart|💔 broken heart|❣️ heart exclamation|💕 two hearts|💞 revolving hearts|💓 beating heart|💗 growing heart|💖 sparkling heart|💘 heart with arrow|💝 heart with ribbon|💯 hundred points 100|💢 anger symbol|💥 collision boom|💫 dizzy|💦 sweat droplets|💨 dashing away|🔥 fire lit|✨ sparkles|⭐ star|🌟 glowing star",
		),
	},
	{
		name: "Animals",
		emoji: entries(
			"🐶 dog face|🐱 cat face|🐭 mouse face|🐹 hamster|🐰 rabbit face bunny|🦊 fox|🐻 bear|🐼 panda|🐨 koala|🐯 tiger face|🦁 lion|🐮 cow face|🐷 pig face|🐸 frog|🐵 monkey face|🐔 chicken|🐧 penguin|🐦 bird|🐤 baby chick|🦆 duck|🦉 owl|🐝 honeybee bee|🦋 butterfly|🐌 snail|🐞 lady beetle ladybug|🐢 turtle|🐍 snake|🐙 octopus|🐬 dolphin|🐳 spouting whale|🦈 shark",
		),
	},
	{
		name: "Food",
		emoji: entries(
			"🍏 green apple|🍎 red apple|🍐 pear|🍊 tangerine orange|🍋 lemon|🍌 banana|🍉 watermelon|🍇 grapes|🍓 strawberry|🍒 cherries|🍑 peach|🥭 mango|🍍 pineapple|🥥 coconut|🥑 avocado|🍅 tomato|🥕 carrot|🌽 ear of corn|🥐 croissant|🍞 bread|🧀 cheese wedge|🍳 cooking egg|🍔 hamburger burger|🍟 french fries|🍕 pizza|🌮 taco|🍜 steaming bowl noodles ramen|🍣 sushi|🍩 doughnut donut|🍪 cookie|🎂 birthday cake|🍰 shortcake cake|🍫 chocolate bar|🍿 popcorn|☕ hot beverage coffee tea|🍵 teacup without handle tea|🧃 beverage box juice|🍺 beer mug",
		),
	},
	{
		name: "Activities",
		emoji: entries(
			"⚽ soccer ball football|🏀 basketball|🏈 american football|⚾ baseball|🎾 tennis|🏐 volleyball|🏉 rugby football|🎱 pool 8 ball|🏓 ping pong table tennis|🏸 badminton|🥅 goal net|⛳ flag in hole golf|🎣 fishing pole|🎽 running shirt|🎿 skis|🏆 trophy|🥇 1st place medal gold|🎮 video game|🎲 game die dice|🎯 direct hit target|🎳 bowling|🎸 guitar|🎹 musical keyboard piano|🎤 microphone|🎧 headphone|🎬 clapper board film|🎨 artist palette art|📚 books study|✏️ pencil|📝 memo notes|💻 laptop|📱 mobile phone|🎓 graduation cap",
		),
	},
	{
		name: "Travel",
		emoji: entries(
			"🚗 automobile car|🚕 taxi|🚌 bus|🚎 trolleybus|🚓 police car|🚑 ambulance|🚒 fire engine|🚲 bicycle bike|🛴 kick scooter|✈️ airplane plane|🚀 rocket|🚁 helicopter|⛵ sailboat|🚢 ship|🚉 station train|🗺️ world map|🏠 house home|🏫 school|🏥 hospital|🏖️ beach with umbrella|⛰️ mountain|🌋 volcano|🌅 sunrise|🌄 sunrise over mountains|🌈 rainbow|☀️ sun|🌙 crescent moon|⛅ sun behind cloud|🌧️ cloud with rain|⛈️ cloud with lightning and rain storm|❄️ snowflake|☃️ snowman",
		),
	},
	{
		name: "Symbols",
		emoji: entries(
			"✅ check mark button done yes|❌ cross mark no|❓ red question mark|❗ red exclamation mark|⚠️ warning|🚫 prohibited|💤 zzz sleep|🔔 bell|🔕 bell with slash|🎉 party popper tada congratulations|🎊 confetti ball|🎁 wrapped gift present|🏳️ white flag|🏁 chequered flag|🆗 ok button|🆒 cool button|🆕 new button|🔝 top arrow|➕ plus|➖ minus|➗ divide|✔️ check mark",
		),
	},
];

/** Emoji whose name has a word starting with each word of the query ("heart eyes", "thumb"), in the grid's order. */
export function searchEmoji(query: string): Emoji[] {
	const words = query.toLocaleLowerCase().split(/\s+/u).filter(Boolean);
	if (words.length === 0) return [];
	return EMOJI_CATEGORIES.flatMap((c) => c.emoji).filter((e) => {
		const nameWords = e.name.toLocaleLowerCase().split(/[\s-]+/u);
		return words.every((w) => nameWords.some((n) => n.startsWith(w)));
	});
}
