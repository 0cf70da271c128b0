/**
 * A modest deny-list of common passwords, written from memory of widely published "most common
 * password" lists (SplashData / NordPass yearly lists, the RockYou leak's top entries, NCSC's
 * "100k-most-used" top). It is NOT the 10,000-entry list the standards suggest: the machine that
 * built Baseerat had no network to fetch one. Operators can extend it with `extraDenyList`
 * (see password-policy.ts). Only entries of 8 or more characters matter (shorter ones are refused
 * by length), but short stems are kept because the check also strips trailing digits and symbols.
 */
const WORDS = `
password password1 password12 password123 password1234 passw0rd p@ssword p@ssw0rd pa55word passwort motdepasse contrasena
123456 1234567 12345678 123456789 1234567890 0123456789 12345678910 123123123 123321123 987654321 9876543210 11111111 111111111
1111111111 00000000 000000000 0000000000 22222222 33333333 44444444 55555555 66666666 77777777 88888888 99999999 12121212
11223344 12341234 12344321 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx 1qazxsw2 zaq12wsx zaq1zaq1 !qaz2wsx qazwsxedc qweasdzxc
qwerty qwerty1 qwerty12 qwerty123 qwertyui qwertyuiop qwerty1234 asdfghjk asdfghjkl asdf1234 zxcvbnm zxcvbnm1 zxcvbnm123 azerty
azertyuiop qwertz qwertzuiop abc12345 abcd1234 abcdefgh abcdefg1 a1b2c3d4 aa123456 aaaaaaaa abc123456 abcabc123 1a2b3c4d
iloveyou iloveyou1 iloveyou2 iloveu123 loveyou1 lovely123 ilovegod ilovemom princess princess1 sunshine sunshine1 starwars
football football1 baseball basketball soccer123 hockey123 cricket123 pakistan pakistan1 pakistan123 pakistan786 karachi123
lahore123 islamabad quetta123 balochistan peshawar123 allah786 bismillah mashallah pakistani 786786786 78678678 mustafa786
muhammad muhammad1 mohammad ahmed123 ali12345 khan1234 khan123456 welcome welcome1 welcome123 welcome2024 welcome2025 welcome2026
admin admin123 admin1234 admin12345 administrator adminadmin root1234 rootroot toor1234 superuser supervisor manager1 master
master123 masterkey letmein letmein1 letmein123 trustno1 trustnoone secret secret123 secret1234 changeme changeme1 changeme123
default default1 guest123 test1234 testtest test12345 tester123 testing123 demo1234 temp1234 temporary passpass pass1234
monkey monkey123 dragon dragon123 shadow shadow123 michael michael1 jennifer jordan23 jordan123 superman batman123 spiderman
charlie charlie1 thomas123 jessica1 ashley123 daniel123 robert123 matthew1 anthony1 andrew123 joshua123 hunter123 hunter2
tigger tigger123 buster123 pepper123 ginger123 cookie123 chocolate chelsea1 liverpool arsenal1 manchester barcelona realmadrid
computer computer1 internet internet1 samsung1 iphone123 google123 facebook youtube1 microsoft windows1 linux123 ubuntu123
whatever whatever1 nothing1 freedom1 freedom123 forever1 blessed1 blessing jesus123 jesuschrist christ123 heaven123 angel123
summer summer123 summer2024 summer2025 winter123 spring123 autumn123 january1 monday123 friday123 sunday123 august123
flower123 butterfly purple123 orange123 yellow123 silver123 golden123 diamond1 crystal1 rainbow1 midnight1 starlight
qwer1234 asdf12345 zxcv1234 q1w2e3r4 q1w2e3r4t5 1qa2ws3ed 123qweasd 123qwe123 qwe123qwe qwe12345 asd12345 zxc12345 147258369
159753456 159357456 741852963 963852741 147852369 123654789 135792468 246813579 13579246 11235813 31415926 27182818
baseerat baseerat1 baseerat123 security security1 security123 police123 police1234 levies123 government government1 ministry
homedept homedepartment password2024 password2025 password2026 passw0rd1 p4ssw0rd p455w0rd pa$$word pa$$w0rd
qwertyqwerty 123456qwerty qwerty123456 password! password1! password123! welcome1! admin@123 admin#123 pass@123 pass@1234
india123 hello123 hello1234 helloworld helloworld1 goodluck goodbye1 sweetheart lovelove lovers123 mylove123 babygirl1
michelle1 nicole123 jasmine1 ashley12 amanda12 hannah12 sophie12 natasha1 maria123 anna1234 alexander alexandra victoria1
loveme123 iloveyou! qwerty!@# 1qaz!qaz 1q2w3e4r! zaq!2wsx 123456789a a123456789 123456a1 12345qwert 12345abc 123456abc
654321abc abcdef123 abcdef12 aa112233 aabbccdd 112233445566 123123123123 1234512345 1122334455 5201314520 woaini1314
qwerty7 qwerty11 passw0rd! p@55w0rd p@ssw0rd1 p@ssword1 passwd123 mypassword mypass123 newpassword newpass123 oldpassword
userpass username user1234 login123 access14 access123 operator1 service1 support1 helpdesk1 office123 company1 business1
student1 student123 teacher1 school123 college1 doctor123 engineer1 soldier1 captain1 general1 officer1 commander1 sergeant1
thunder1 lightning storm123 phoenix1 falcon123 eagle123 tiger1234 lion1234 panther1 wolf1234 cobra123 viper123 scorpion1
mercedes bmw12345 ferrari1 porsche1 toyota123 honda123 suzuki123 yamaha123 corolla1 mustang1 camaro12 harley12
matrix123 killer123 hacker123 ninja123 gamer123 player123 pokemon1 minecraft fortnite1 roblox123 naruto123 goku1234
pass1word 1password 12password password11 password99 passwordpassword qwertyqwerty1 abc123abc123 iloveyouiloveyou
babyboy1 mommy123 daddy123 family123 friends1 together1 happy123 smile123 funny123 crazy123 cutie123 sweety123
money123 money1234 dollar123 cash1234 rich1234 lucky123 lucky777 777777777 77777777 12345678a 888888888 666666666 6666666666
kashmir1 punjab123 sindh123 gwadar123 turbat123 zhob1234 sibi1234 chaman123 multan123 faisalabad rawalpindi hyderabad1
zindabad pakarmy1 armyarmy 14august1947 23march1940 jinnah123 quaid123 iqbal123 imran123 nawaz123 bhutto123
1234qwer 12qwaszx qazwsx123 zaqxswcde 1q2w3e 123abc123 abc123abc aaa111aaa asdasdasd qweqweqwe zxczxczxc 123asd123
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter((w) => w.length > 0).map((w) => w.toLowerCase()));
