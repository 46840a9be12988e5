"""The codename words: 289 short, common, distinct English words (each word carries
over 8 bits). Written for this project; lower case, no two alike."""

WORDS = """
acorn actor adapt agent alarm album alley amber angle ankle apple apron arena armor
arrow atlas attic audio award bacon badge bagel baker balmy bamboo banjo barge basil
beach beard berry bison blade blank blaze bloom board bonus boots brave bread brick
bride brook broom brush cabin cable camel candy canoe cargo carol cedar chalk charm
chess chief chili cider cliff clock cloud clover coach cobra cocoa comet coral couch
crane creek crisp crown cubic curry daisy dance delta denim depot diary disco dough
dozen drama dream drift eagle easel ember empty envoy equal fable fairy feast fence
ferry fever fiber field flame flask flint flock flute focus forge fossil frost fruit
fudge gecko ghost giant ginger glade globe glove goose grain grape gravy guava guide
habit hazel heron hinge hobby honey horse hotel husky igloo image index ivory jelly
jewel joker judge juice kayak kebab kettle khaki kiosk koala label ladle lemon lever
lilac linen llama lodge lotus lunar lyric magic mango maple march melon metal mimic
medal minnow mocha model moose motor mural nacho noble north novel nutmeg oasis
ocean olive onion opera orbit otter oxide paddle panda paper patio peach pearl pedal
penny piano pilot pixel plaza plume polar pony poppy prism pulse quail quartz quest
quilt radar radio raven relay rhino ridge river robin rocket rodeo rugby salad salsa
sauna scarf scout shark shelf shrub silk siren skate slate sloth snail sonar spice
spoon squid stamp steam stool storm straw sugar swamp syrup table tango taxi teapot
tempo thorn tiger toast token topaz torch tower trail tulip tunnel ultra umbra unity
urban valve vapor velvet venue vinyl viola vista vocal wafer wagon walnut waltz whale
wheat whisk willow witty yacht yodel yogurt zebra zesty zinc
""".split()
